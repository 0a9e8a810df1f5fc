#include "support/SlabRecycler.h"

#include <cstring>
#include <thread>

#include "llvm/Support/Allocator.h"
#include <gtest/gtest.h>

using namespace ballast;

TEST(SlabRecyclerTest, AFreedSlabServesTheNextArenaOnTheThread) {
  using Arena = llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabRecycler::SlabSize>;
  const void *First;
  {
    Arena A;
    First = A.Allocate(100, llvm::Align(8));
    std::memset(const_cast<void *>(First), 1, 100);
  }
  Arena B;
  EXPECT_EQ(B.Allocate(100, llvm::Align(8)), First);
  // A custom-sized slab (bigger than a slab) is not kept; the arena still serves it.
  void *Big = B.Allocate(SlabRecycler::SlabSize * 2, llvm::Align(8));
  std::memset(Big, 2, SlabRecycler::SlabSize * 2);
}

TEST(SlabRecyclerTest, ThreadsKeepTheirOwnSlabs) {
  // Slabs freed on a thread that then ends are freed with it (LeakSanitizer checks this).
  std::thread T([] {
    llvm::BumpPtrAllocatorImpl<SlabRecycler, SlabRecycler::SlabSize> A;
    for (int I = 0; I < 40; ++I)
      A.Allocate(1000, llvm::Align(8));
  });
  T.join();
  SlabRecycler R;
  void *P = R.Allocate(SlabRecycler::SlabSize, alignof(std::max_align_t));
  R.Deallocate(P, SlabRecycler::SlabSize, alignof(std::max_align_t));
  EXPECT_EQ(R.Allocate(SlabRecycler::SlabSize, alignof(std::max_align_t)), P);
  R.Deallocate(P, SlabRecycler::SlabSize, alignof(std::max_align_t));
}
