//===- SandboxTestUtil.h - Busybox root filesystems for tests ----*- C++ -*-===//
//
// Header-only helpers shared by the sandbox, snapshot and `ballast run` tests: a minimal root
// filesystem made of busybox-static, and the list of mounts to check nothing is left behind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace ballast::builder::testutil {

/// A fresh folder under /tmp (removed by the caller).
inline std::filesystem::path makeTempDir(const std::string &Prefix) {
  std::string T = "/tmp/" + Prefix + "-XXXXXX";
  if (!::mkdtemp(T.data()))
    std::abort();
  return T;
}

/// Writes a whole file.
inline void writeFile(const std::filesystem::path &P, const std::string &Text) {
  std::filesystem::create_directories(P.parent_path());
  std::ofstream(P, std::ios::binary) << Text;
}

/// Reads a whole file ("" when missing).
inline std::string readFile(const std::filesystem::path &P) {
  std::ifstream In(P, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

/// Fills Dir with /bin/busybox, a symlink per applet in /bin, /etc/passwd (root, app 1000,
/// nobody 65534), /etc/group (root, wheel with app, app, nogroup) and an empty /tmp.
inline void makeBusyboxRootfs(const std::filesystem::path &Dir) {
  namespace fs = std::filesystem;
  fs::create_directories(Dir / "bin");
  fs::permissions(Dir, fs::perms(0755));
  fs::copy_file("/bin/busybox", Dir / "bin/busybox", fs::copy_options::overwrite_existing);
  FILE *P = ::popen("/bin/busybox --list", "r");
  char Line[256];
  while (P && ::fgets(Line, sizeof Line, P)) {
    std::string Name(Line);
    while (!Name.empty() && (Name.back() == '\n' || Name.back() == '\r'))
      Name.pop_back();
    if (Name.empty() || Name == "busybox")
      continue;
    std::error_code EC;
    fs::create_symlink("busybox", Dir / "bin" / Name, EC);
  }
  if (P)
    ::pclose(P);
  writeFile(Dir / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                                "app:x:1000:1000:app:/home/app:/bin/sh\n"
                                "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
  writeFile(Dir / "etc/group", "root:x:0:\n"
                               "wheel:x:10:root,app\n"
                               "app:x:1000:\n"
                               "nogroup:x:65534:\n");
  fs::create_directories(Dir / "tmp");
  fs::permissions(Dir / "tmp", fs::perms(01777));
  fs::create_directories(Dir / "root");
}

/// The mount points of this process (field 5 of /proc/self/mountinfo) under Prefix, to compare
/// before and after a test (a prefix of the test's own folders, so tests running at the same
/// time in other processes do not disturb the comparison).
inline std::multiset<std::string> mountPoints(const std::string &Prefix) {
  std::multiset<std::string> Out;
  std::ifstream In("/proc/self/mountinfo");
  std::string Line;
  while (std::getline(In, Line)) {
    std::istringstream LS(Line);
    std::string F[5];
    for (std::string &S : F)
      LS >> S;
    if (F[4].compare(0, Prefix.size(), Prefix) == 0)
      Out.insert(F[4]);
  }
  return Out;
}

/// The names in a folder, sorted.
inline std::vector<std::string> listDir(const std::filesystem::path &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (const auto &E : std::filesystem::directory_iterator(Dir, EC))
    Out.push_back(E.path().filename().string());
  std::sort(Out.begin(), Out.end());
  return Out;
}

} // namespace ballast::builder::testutil
