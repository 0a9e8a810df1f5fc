//===- Allocator.h - Allocator settings of the executables -----*- C++ -*-===//
//
// The `ballast` executable and the lint benchmark link mimalloc (cli/CMakeLists.txt) and
// define BALLAST_WITH_MIMALLOC; the libraries never depend on it.
//
//===----------------------------------------------------------------------===//
#ifndef BALLAST_CLI_ALLOCATOR_H
#define BALLAST_CLI_ALLOCATOR_H

#ifdef BALLAST_WITH_MIMALLOC
#include <cstdint>
#include <cstdlib>
#include <mimalloc.h>
#include <sys/mman.h>
#endif

namespace ballast::cli {

/// Gives mimalloc a first arena of 128 MiB of address space advised for transparent huge pages
/// (nothing is used until touched; past it mimalloc maps memory as usual). A lint of a few
/// hundred files touches some 12 MB of fresh memory within milliseconds, and on a virtual
/// machine every 4 KiB page fault is dear: on the corpus this halves the page faults and takes
/// about a sixth off the whole run, for a peak RSS of 29 MB instead of 21. mimalloc's own
/// MIMALLOC_LARGE_OS_PAGES does the same but is read before main() runs; BALLAST_NO_THP=1 turns
/// this off.
///
/// mimalloc also keeps the memory that is freed committed instead of handing it back to the
/// system 25 ms later (its decommit delay): a page handed back is faulted in again, zeroed, by
/// the next allocation there, and with transparent huge pages that is 2 MiB of zeroing a fault.
/// Lints run one after another in a process (the benchmark's warm runs; `optimize` linting
/// each rewrite) faulted about ten pages a run back in, mostly the main thread's job table;
/// zeroing huge pages was 1-2% of the CPU. Freed memory stays with the process as glibc's
/// malloc keeps it; the peak RSS is unchanged.
inline void tuneAllocator() {
#ifdef BALLAST_WITH_MIMALLOC
  mi_option_set(mi_option_decommit_delay, 1000L * 1000); // milliseconds: never, in practice
  if (std::getenv("BALLAST_NO_THP"))
    return;
  // mimalloc's arenas are made of 32 MiB segments, aligned to their size.
  constexpr size_t Segment = size_t(32) << 20, Size = size_t(128) << 20;
  void *P = ::mmap(nullptr, Size + Segment, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (P == MAP_FAILED)
    return;
  size_t Skip = (Segment - reinterpret_cast<uintptr_t>(P) % Segment) % Segment;
  void *Arena = static_cast<char *>(P) + Skip;
  ::madvise(Arena, Size, MADV_HUGEPAGE);
  mi_manage_os_memory(Arena, Size, /*is_committed=*/true, /*is_large=*/false, /*is_zero=*/true,
                      /*numa_node=*/-1);
#endif
}

} // namespace ballast::cli

#endif
