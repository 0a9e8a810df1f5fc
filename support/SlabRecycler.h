//===- SlabRecycler.h - Slabs a thread frees, kept for its next arena -*- C++ -*-===//
#pragma once

#include <cstddef>

#include "llvm/Support/AllocatorBase.h"
#include "llvm/Support/Compiler.h"

namespace ballast {

/// The allocator under the per-file arenas (llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabSize>):
/// a Dockerfile's (dockerfile::TextArena) and each shell Script's. It keeps a few slabs of
/// SlabSize freed on a thread and hands them to the next arenas made there, and the slabs freed
/// beyond that in a pool any thread takes from. An arena lives while its file is linted, so
/// without them every file paid a malloc and a free per slab (an aligned operator new through
/// mimalloc's slow path, some 250-470 instructions). Other sizes (the custom-sized slabs of big
/// files) go straight to malloc and free.
class SlabRecycler : public llvm::AllocatorBase<SlabRecycler> {
public:
  /// The size of the slabs kept: one holds all that a Dockerfile's arena takes for nearly every
  /// file (its line table, its joined lines and the arrays of its instructions).
  static constexpr size_t SlabSize = 16384;

  LLVM_ATTRIBUTE_RETURNS_NONNULL void *Allocate(size_t Size, size_t Alignment);
  using AllocatorBase<SlabRecycler>::Allocate;
  void Deallocate(const void *Ptr, size_t Size, size_t Alignment);
  using AllocatorBase<SlabRecycler>::Deallocate;
};

} // namespace ballast
