//===- StartupTest.cpp - What every `ballast` process maps at start -------===//
//
// libcurl, libarchive and libcrypto are loaded with dlopen on first use (registry/Curl.h,
// oci/LibArchive.h, support/Crypto.h), not linked: with their dependency trees they would cost
// `ballast lint` (the pre-commit hook) about 300 page faults and 10 ms at every start. These
// tests read the executable's DT_NEEDED entries, and check that lint in every report format
// never loads them.
//
//===----------------------------------------------------------------------===//
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

namespace {

/// The DT_NEEDED names of a 64-bit ELF file, from its SHT_DYNAMIC section and the string table
/// that section links to; empty when the file is not one.
std::vector<std::string> neededLibraries(const fs::path &Path) {
  std::string F = slurp(Path);
  std::vector<std::string> Out;
  if (F.size() < sizeof(Elf64_Ehdr) || std::memcmp(F.data(), ELFMAG, SELFMAG) != 0 ||
      F[EI_CLASS] != ELFCLASS64)
    return Out;
  Elf64_Ehdr Eh;
  std::memcpy(&Eh, F.data(), sizeof Eh);
  auto Section = [&](size_t I) {
    Elf64_Shdr Sh{};
    size_t Off = Eh.e_shoff + I * Eh.e_shentsize;
    if (Off + sizeof Sh <= F.size())
      std::memcpy(&Sh, F.data() + Off, sizeof Sh);
    return Sh;
  };
  for (size_t I = 0; I < Eh.e_shnum; ++I) {
    Elf64_Shdr Dyn = Section(I);
    if (Dyn.sh_type != SHT_DYNAMIC)
      continue;
    Elf64_Shdr Str = Section(Dyn.sh_link);
    for (size_t Off = Dyn.sh_offset; Off + sizeof(Elf64_Dyn) <= Dyn.sh_offset + Dyn.sh_size &&
                                     Off + sizeof(Elf64_Dyn) <= F.size();
         Off += sizeof(Elf64_Dyn)) {
      Elf64_Dyn D;
      std::memcpy(&D, F.data() + Off, sizeof D);
      if (D.d_tag == DT_NULL)
        break;
      if (D.d_tag == DT_NEEDED && Str.sh_offset + D.d_un.d_val < F.size())
        Out.emplace_back(F.c_str() + Str.sh_offset + D.d_un.d_val);
    }
  }
  return Out;
}

/// Libraries (and the first of their dependencies) loaded on first use only.
const char *const LoadedOnFirstUse[] = {"libcurl", "libarchive", "libcrypto", "libssl",
                                        "libxml2", "libicu",     "libnettle"};

} // namespace

TEST(StartupTest, LibrariesLoadedOnFirstUseAreNotNeeded) {
  std::vector<std::string> Needed = neededLibraries(BALLAST_EXE);
  // The reading works: every dynamic executable needs the C library.
  ASSERT_THAT(Needed, Contains("libc.so.6")) << BALLAST_EXE;
  for (const char *Lib : LoadedOnFirstUse)
    EXPECT_THAT(Needed, Not(Contains(StartsWith(Lib))))
        << BALLAST_EXE << " links " << Lib << "; load it with dlopen on first use instead";
}

TEST(StartupTest, LintInEveryFormatLoadsNoneOfThem) {
  fs::path Dir = tempDir("ballast-startup");
  spit(Dir / "Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n");
  for (const char *Format : {"text", "json", "sarif", "checkstyle", "gitlab", "github"}) {
    // LD_DEBUG=files names every library the loader maps, at start and by dlopen, on stderr.
    std::string Out;
    run("cd " + Dir.string() + " && LD_DEBUG=files " BALLAST_EXE " lint -f " + Format +
            " Dockerfile",
        Out, true);
    ASSERT_THAT(Out, HasSubstr("libc.so.6")) << "LD_DEBUG did not report; format " << Format;
    for (const char *Lib : LoadedOnFirstUse)
      EXPECT_THAT(Out, Not(HasSubstr(Lib))) << "lint -f " << Format;
  }
  std::string Out;
  run("LD_DEBUG=files " BALLAST_EXE " --version", Out, true);
  for (const char *Lib : LoadedOnFirstUse)
    EXPECT_THAT(Out, Not(HasSubstr(Lib))) << "--version";
  fs::remove_all(Dir);
}

// main() ends the process with _Exit once the command's output is flushed (cli/Main.cpp): the
// exit status, the output and a failed write must come out as they did with a full exit.
TEST(StartupTest, TheProcessEndsWithTheCommandsStatusAndAllItsOutput) {
  fs::path Dir = tempDir("ballast-exit");
  spit(Dir / "Dockerfile", "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n");
  std::string Out;
  // Findings: exit status 1, and the whole report, which ends with the last finding's line.
  EXPECT_EQ(run("cd " + Dir.string() + " && " BALLAST_EXE " lint --no-color Dockerfile", Out), 1);
  EXPECT_THAT(Out, HasSubstr("DL3008"));
  EXPECT_EQ(Out.back(), '\n');
  // Output through a pipe larger than its buffer (the rules table) arrives whole.
  EXPECT_EQ(run(BALLAST_EXE " rules | tail -n 1", Out), 0);
  EXPECT_THAT(Out, Not(HasSubstr("ballast:")));
  std::string Table;
  EXPECT_EQ(run(BALLAST_EXE " rules", Table), 0);
  EXPECT_GT(Table.size(), 4096U);
  EXPECT_EQ(Table.substr(Table.rfind('\n', Table.size() - 2) + 1), Out);
  // Standard output that cannot be written: a message and exit status 2, not an abort.
  EXPECT_EQ(run(BALLAST_EXE " rules 2>&1 >/dev/full", Out), 2);
  EXPECT_THAT(Out, HasSubstr("ballast: cannot write to standard output: No space left on device"));
  EXPECT_THAT(Out, Not(HasSubstr("LLVM ERROR")));
  fs::remove_all(Dir);
}
