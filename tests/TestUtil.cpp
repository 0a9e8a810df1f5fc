//===- TestUtil.cpp -------------------------------------------------------===//
#include "tests/TestUtil.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace ballast::test {

std::filesystem::path sourceDir() { return BALLAST_SOURCE_DIR; }

std::filesystem::path externalCorpus() {
  return std::filesystem::path(BALLAST_SOURCE_DIR) / ".." / "shared" / "corpus-external";
}

std::string slurp(const std::filesystem::path &P) {
  std::ifstream In(P, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

void spit(const std::filesystem::path &P, const std::string &Text) {
  std::ofstream Out(P, std::ios::binary);
  Out << Text;
}

int run(const std::string &Cmd, std::string &Out, bool MergeErr) {
  Out.clear();
  std::string Full = Cmd + (MergeErr ? " 2>&1" : "");
  FILE *P = popen(Full.c_str(), "r");
  if (!P)
    return -1;
  std::array<char, 4096> Buf;
  size_t N;
  while ((N = fread(Buf.data(), 1, Buf.size(), P)) > 0)
    Out.append(Buf.data(), N);
  int St = pclose(P);
  return WIFEXITED(St) ? WEXITSTATUS(St) : -1;
}

std::filesystem::path tempDir(const std::string &Prefix) {
  std::string T = (std::filesystem::temp_directory_path() / (Prefix + "-XXXXXX")).string();
  if (!mkdtemp(T.data()))
    std::abort();
  return T;
}

} // namespace ballast::test
