//===- CopyTest.cpp - COPY/ADD semantics, ownership, archives, URLs, safety ===//
#include "builder/Copy.h"

#include <arpa/inet.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "builder/Context.h"
#include "support/Hash.h"

namespace ballast::builder {
namespace {

namespace fs = std::filesystem;

struct TempTree {
  fs::path Root;
  explicit TempTree(const char *Name = "copy") {
    std::string T = (fs::path(testing::TempDir()) / (std::string(Name) + "-XXXXXX")).string();
    Root = ::mkdtemp(T.data());
  }
  ~TempTree() { fs::remove_all(Root); }
  std::string str() const { return Root.string(); }
  void file(const std::string &Rel, const std::string &Text, unsigned Mode = 0644) const {
    fs::create_directories((Root / Rel).parent_path());
    std::ofstream(Root / Rel, std::ios::binary) << Text;
    ::chmod((Root / Rel).c_str(), Mode);
  }
  std::string read(const std::string &Rel) const {
    std::ifstream In(Root / Rel, std::ios::binary);
    std::stringstream S;
    S << In.rdbuf();
    return S.str();
  }
  struct stat stat(const std::string &Rel) const {
    struct stat St {};
    ::lstat((Root / Rel).c_str(), &St);
    return St;
  }
};

/// Every path under a tree with its type: "d a", "f a/b", "l c -> t".
std::vector<std::string> tree(const fs::path &Root) {
  std::vector<std::string> Out;
  for (auto It = fs::recursive_directory_iterator(Root); It != fs::recursive_directory_iterator();
       ++It) {
    std::string Rel = fs::relative(It->path(), Root).string();
    if (It->is_symlink())
      Out.push_back("l " + Rel + " -> " + fs::read_symlink(It->path()).string());
    else if (It->is_directory())
      Out.push_back("d " + Rel);
    else
      Out.push_back("f " + Rel);
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

using Strings = std::vector<std::string>;

/// Runs a COPY from the context Ctx into Dst.
llvm::Error copy(const TempTree &Ctx, const TempTree &Dst, Strings Sources, const std::string &Dest,
                 CopyOptions Opts = {}, std::vector<InlineSource> Inline = {}) {
  auto C = BuildContext::load(Ctx.str(), "");
  if (!C)
    return C.takeError();
  CopySource Src{Ctx.str(), C->get()};
  Opts.FromContext = true;
  return copyFiles(Src, Sources, Inline, Dest, Dst.str(), Opts);
}

std::string err(llvm::Error E) { return E ? llvm::toString(std::move(E)) : "<success>"; }

TEST(Copy, FileDestinationRules) {
  TempTree Ctx, Dst("dst");
  Ctx.file("a.txt", "A");
  fs::create_directories(Dst.Root / "existing");
  ASSERT_FALSE(copy(Ctx, Dst, {"a.txt"}, "/into/"));
  ASSERT_FALSE(copy(Ctx, Dst, {"a.txt"}, "/renamed"));
  ASSERT_FALSE(copy(Ctx, Dst, {"/a.txt"}, "/existing"));
  ASSERT_FALSE(copy(Ctx, Dst, {"./a.txt"}, "/deep/er/x.txt"));
  EXPECT_EQ(tree(Dst.Root),
            (Strings{"d deep", "d deep/er", "d existing", "d into", "f deep/er/x.txt",
                     "f existing/a.txt", "f into/a.txt", "f renamed"}));
  EXPECT_EQ(Dst.read("renamed"), "A");
  // Context files are owned by root unless --chown.
  EXPECT_EQ(Dst.stat("into/a.txt").st_uid, 0u);
  EXPECT_EQ(Dst.stat("into/a.txt").st_mode & 07777, 0644u);
  EXPECT_EQ(Dst.stat("deep").st_mode & 07777, 0755u);
}

TEST(Copy, FolderContentsNotTheFolder) {
  TempTree Ctx, Dst("dst");
  Ctx.file("src/a", "a");
  Ctx.file("src/sub/b", "b", 0700);
  ASSERT_FALSE(copy(Ctx, Dst, {"src"}, "/app"));
  ASSERT_FALSE(copy(Ctx, Dst, {"src/"}, "/"));
  EXPECT_EQ(tree(Dst.Root),
            (Strings{"d app", "d app/sub", "d sub", "f a", "f app/a", "f app/sub/b", "f sub/b"}));
  EXPECT_EQ(Dst.stat("app/sub/b").st_mode & 07777, 0700u);
}

TEST(Copy, WildcardsAndMultipleSources) {
  TempTree Ctx, Dst("dst");
  Ctx.file("a.txt", "1");
  Ctx.file("b.txt", "2");
  Ctx.file("c.md", "3");
  Ctx.file("[x].txt", "4");
  ASSERT_FALSE(copy(Ctx, Dst, {"*.txt"}, "/t/"));
  ASSERT_FALSE(copy(Ctx, Dst, {"?.md", "\\[x].txt"}, "/m/"));
  ASSERT_FALSE(copy(Ctx, Dst, {"nothing*"}, "/e/"));
  // An empty wildcard match copies nothing and creates nothing (AllowEmptyWildcard).
  EXPECT_EQ(tree(Dst.Root), (Strings{"d m", "d t", "f m/[x].txt", "f m/c.md", "f t/[x].txt",
                                     "f t/a.txt", "f t/b.txt"}));
  EXPECT_EQ(err(copy(Ctx, Dst, {"a.txt", "b.txt"}, "/notdir")),
            "when using COPY with more than one source file, the destination must be a "
            "directory and end with a /");
  EXPECT_EQ(err(copy(Ctx, Dst, {"missing.txt"}, "/x")),
            "failed to compute cache key: \"/missing.txt\": not found; check the path (and "
            ".dockerignore) in the build context");
  // Ignored files are not in the context.
  Ctx.file(".dockerignore", "c.md\n");
  EXPECT_EQ(err(copy(Ctx, Dst, {"c.md"}, "/x")),
            "failed to compute cache key: \"/c.md\": not found; check the path (and "
            ".dockerignore) in the build context");
}

TEST(Copy, ChownByNameAndNumber) {
  TempTree Ctx, Dst("dst");
  Ctx.file("f", "x");
  Dst.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n");
  Dst.file("etc/group", "root:x:0:\nstaff:x:50:\n");
  CopyOptions O;
  auto Own = [&](const char *Spec) {
    auto R = resolveChown(Dst.str(), Spec);
    EXPECT_TRUE(!!R) << Spec;
    return R ? std::make_pair(R->Uid, R->Gid) : std::make_pair(~0u, ~0u);
  };
  EXPECT_EQ(Own("app"), std::make_pair(1001u, 1002u));
  EXPECT_EQ(Own("app:staff"), std::make_pair(1001u, 50u));
  EXPECT_EQ(Own("77"), std::make_pair(77u, 77u));
  EXPECT_EQ(Own("77:staff"), std::make_pair(77u, 50u));
  EXPECT_EQ(Own("app:9"), std::make_pair(1001u, 9u));
  EXPECT_EQ(err(resolveChown(Dst.str(), "ghost").takeError()),
            "unable to find user ghost in the image's /etc/passwd; create it before this step or "
            "use a numeric uid");
  EXPECT_EQ(err(resolveChown(Dst.str(), "app:nogroup").takeError()),
            "unable to find group nogroup in the image's /etc/group; create it before this step "
            "or use a numeric gid");
  O.Chown = *resolveChown(Dst.str(), "app");
  ASSERT_FALSE(copy(Ctx, Dst, {"f"}, "/home/app/new/", O));
  EXPECT_EQ(Dst.stat("home/app/new/f").st_uid, 1001u);
  EXPECT_EQ(Dst.stat("home/app/new/f").st_gid, 1002u);
  EXPECT_EQ(Dst.stat("home/app/new").st_uid, 1001u);
}

TEST(Copy, ChmodOctalAndSymbolic) {
  auto M = [](const char *Spec, uint32_t Old, bool Dir = false) {
    auto C = Chmod::parse(Spec);
    EXPECT_TRUE(!!C) << Spec;
    return C ? C->apply(Old, Dir) : ~0u;
  };
  EXPECT_EQ(M("755", 0600), 0755u);
  EXPECT_EQ(M("u+x", 0644), 0744u);
  EXPECT_EQ(M("go-w", 0666), 0644u);
  EXPECT_EQ(M("a=r", 0777), 0444u);
  EXPECT_EQ(M("+x", 0600), 0711u);
  EXPECT_EQ(M("u=rwx,g=rx,o=", 0), 0750u);
  EXPECT_EQ(M("a+X", 0644), 0644u);
  EXPECT_EQ(M("a+X", 0644, true), 0755u);
  EXPECT_EQ(M("a+X", 0744), 0755u);
  EXPECT_EQ(M("g=u", 0740), 0770u);
  EXPECT_EQ(M("u+s", 0755), 04755u);
  EXPECT_EQ(M("+t", 0755, true), 01755u);
  EXPECT_EQ(err(Chmod::parse("99").takeError()),
            "invalid chmod parameter: '99'. it should be octal string and between 0 and 07777");
  EXPECT_EQ(err(Chmod::parse("u*x").takeError()),
            "invalid chmod parameter: 'u*x'. it should be octal or a symbolic mode such as "
            "u+x,go-w");
  TempTree Ctx, Dst("dst");
  Ctx.file("d/f", "x", 0600);
  CopyOptions O;
  O.Mode = *Chmod::parse("go+rX");
  ASSERT_FALSE(copy(Ctx, Dst, {"d"}, "/d", O));
  EXPECT_EQ(Dst.stat("d/f").st_mode & 07777, 0644u);
  EXPECT_EQ(Dst.stat("d").st_mode & 07777, 0755u);
}

TEST(Copy, ParentsAndExclude) {
  TempTree Ctx, Dst("dst");
  Ctx.file("x/y/a.txt", "a");
  Ctx.file("x/y/b.md", "b");
  Ctx.file("x/z/c.txt", "c");
  CopyOptions P;
  P.Parents = true;
  ASSERT_FALSE(copy(Ctx, Dst, {"x/y/a.txt"}, "/full/", P));
  ASSERT_FALSE(copy(Ctx, Dst, {"x/./*/c.txt"}, "/pivot/", P));
  CopyOptions X;
  X.Excludes = {"*.md"};
  ASSERT_FALSE(copy(Ctx, Dst, {"x/y"}, "/ex/", X));
  EXPECT_EQ(tree(Dst.Root),
            (Strings{"d ex", "d full", "d full/x", "d full/x/y", "d pivot", "d pivot/z",
                     "f ex/a.txt", "f full/x/y/a.txt", "f pivot/z/c.txt"}));
}

TEST(Copy, InlineHeredocFiles) {
  TempTree Ctx, Dst("dst");
  ASSERT_FALSE(copy(Ctx, Dst, {}, "/etc/app.conf", {}, {{"EOF", "k=v\n"}}));
  ASSERT_FALSE(copy(Ctx, Dst, {}, "/opt/", {}, {{"one", "1"}, {"two", "2"}}));
  EXPECT_EQ(Dst.read("etc/app.conf"), "k=v\n");
  EXPECT_EQ(Dst.read("opt/two"), "2");
  EXPECT_EQ(Dst.stat("opt/one").st_mode & 07777, 0644u);
}

TEST(Copy, AddExtractsTarArchivesOfEveryCompression) {
  TempTree Ctx, Dst("dst"), Src("src");
  Src.file("pkg/bin/tool", "#!/bin/sh\n", 0755);
  Src.file("pkg/README", "r");
  std::string Cmd = "cd " + Src.str() + " && tar -cf " + Ctx.str() + "/p.tar pkg && tar -czf " +
                    Ctx.str() + "/p.tgz pkg && tar -cjf " + Ctx.str() + "/p.tbz pkg && tar -cJf " +
                    Ctx.str() + "/p.txz pkg && tar --zstd -cf " + Ctx.str() + "/p.tzst pkg";
  ASSERT_EQ(std::system(Cmd.c_str()), 0);
  Ctx.file("plain.gz", "not a tar");
  CopyOptions O;
  O.Unpack = true;
  for (const char *F : {"p.tar", "p.tgz", "p.tbz", "p.txz", "p.tzst"}) {
    std::string D = std::string("/") + F + "/";
    ASSERT_FALSE(copy(Ctx, Dst, {F}, D, O)) << F;
    EXPECT_EQ(Dst.read(std::string(F) + "/pkg/bin/tool"), "#!/bin/sh\n") << F;
    EXPECT_EQ(Dst.stat(std::string(F) + "/pkg/bin/tool").st_mode & 07777, 0755u) << F;
  }
  ASSERT_FALSE(copy(Ctx, Dst, {"plain.gz"}, "/raw/", O));
  EXPECT_EQ(Dst.read("raw/plain.gz"), "not a tar");
}

TEST(Copy, NothingIsWrittenOutsideTheRoot) {
  TempTree Ctx, Dst("dst"), Outside("outside");
  // A context symlink to an absolute path resolves inside the context, never on the host.
  fs::create_symlink("/etc", Ctx.Root / "evil");
  EXPECT_EQ(err(copy(Ctx, Dst, {"evil/passwd"}, "/p")),
            "failed to compute cache key: \"/evil/passwd\": not found; check the path (and "
            ".dockerignore) in the build context");
  EXPECT_EQ(err(copy(Ctx, Dst, {"../../../../etc/passwd"}, "/p")),
            "failed to compute cache key: \"/etc/passwd\": not found; check the path (and "
            ".dockerignore) in the build context");
  // A destination symlink pointing out of the image lands inside it.
  Ctx.file("f", "data");
  fs::create_symlink(Outside.Root, Dst.Root / "app");
  ASSERT_FALSE(copy(Ctx, Dst, {"f"}, "/app/"));
  ASSERT_FALSE(copy(Ctx, Dst, {"f"}, "/../../x"));
  EXPECT_TRUE(fs::is_empty(Outside.Root));
  std::string Inside = (Dst.Root / Outside.Root.relative_path() / "f").string();
  EXPECT_EQ(TempTree().read(Inside), "data");
  EXPECT_EQ(Dst.read("x"), "data");
  // Archives: `..` entries are refused, and entries below a symlink stay inside the root.
  std::string Py = "import tarfile,io\n"
                   "def add(t,n,d=b'x',link=None):\n"
                   "  i=tarfile.TarInfo(n)\n"
                   "  if link: i.type=tarfile.SYMTYPE; i.linkname=link; t.addfile(i)\n"
                   "  else: i.size=len(d); t.addfile(i,io.BytesIO(d))\n"
                   "with tarfile.open('" +
                   Ctx.str() +
                   "/up.tar','w') as t: add(t,'../../escape')\n"
                   "with tarfile.open('" +
                   Ctx.str() +
                   "/ln.tar','w') as t:\n"
                   "  add(t,'l',link='" +
                   Outside.str() + "'); add(t,'l/pwned')\n";
  std::ofstream(Ctx.Root / "mk.py") << Py;
  ASSERT_EQ(std::system(("python3 " + (Ctx.Root / "mk.py").string()).c_str()), 0);
  CopyOptions O;
  O.Unpack = true;
  EXPECT_EQ(err(copy(Ctx, Dst, {"up.tar"}, "/u/", O)),
            "cannot extract " + Ctx.str() +
                "/up.tar: tar entry \"../../escape\" escapes the layer root with \"..\"; refusing "
                "to read the layer");
  ASSERT_FALSE(copy(Ctx, Dst, {"ln.tar"}, "/t/", O));
  EXPECT_TRUE(fs::is_empty(Outside.Root));
  EXPECT_TRUE(fs::exists(Dst.Root / Outside.Root.relative_path() / "pwned"));
}

/// A one-file HTTP server on 127.0.0.1, stopped on destruction.
class HttpServer {
public:
  explicit HttpServer(std::string Body) : Body(std::move(Body)) {
    Fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in A{};
    A.sin_family = AF_INET;
    A.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(Fd, reinterpret_cast<sockaddr *>(&A), sizeof A);
    socklen_t L = sizeof A;
    ::getsockname(Fd, reinterpret_cast<sockaddr *>(&A), &L);
    Port = ntohs(A.sin_port);
    ::listen(Fd, 8);
    T = std::thread([this] { serve(); });
  }
  ~HttpServer() {
    Stop = true;
    ::shutdown(Fd, SHUT_RDWR);
    ::close(Fd);
    T.join();
  }
  std::string url(const std::string &Path) const {
    return "http://127.0.0.1:" + std::to_string(Port) + Path;
  }

private:
  void serve() {
    while (!Stop) {
      int C = ::accept(Fd, nullptr, nullptr);
      if (C < 0)
        return;
      char Buf[4096];
      std::string Req;
      while (Req.find("\r\n\r\n") == std::string::npos) {
        ssize_t N = ::read(C, Buf, sizeof Buf);
        if (N <= 0)
          break;
        Req.append(Buf, size_t(N));
      }
      bool Found = Req.rfind("GET /files/", 0) == 0;
      std::string Resp =
          Found ? "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(Body.size()) +
                      "\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nConnection: "
                      "close\r\n\r\n" +
                      Body
                : std::string("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: "
                              "close\r\n\r\n");
      (void)::write(C, Resp.data(), Resp.size());
      ::close(C);
    }
  }
  std::string Body;
  int Fd = -1;
  uint16_t Port = 0;
  std::atomic<bool> Stop{false};
  std::thread T;
};

TEST(Copy, AddDownloadsUrlsWithChecksum) {
  HttpServer S("payload");
  TempTree Ctx, Dst("dst");
  CopyOptions O;
  O.Checksum = "sha256:" + Sha256::hex("payload");
  ASSERT_FALSE(copy(Ctx, Dst, {S.url("/files/app.bin?x=1")}, "/opt/", O));
  EXPECT_EQ(Dst.read("opt/app.bin"), "payload");
  EXPECT_EQ(Dst.stat("opt/app.bin").st_mode & 07777, 0600u);
  EXPECT_EQ(Dst.stat("opt/app.bin").st_mtime, 1445412480);
  ASSERT_FALSE(copy(Ctx, Dst, {S.url("/files/app.bin")}, "/named"));
  EXPECT_EQ(Dst.read("named"), "payload");
  O.Checksum = "sha256:" + std::string(64, '0');
  EXPECT_EQ(err(copy(Ctx, Dst, {S.url("/files/x")}, "/bad", O)),
            "digest mismatch for " + S.url("/files/x") +
                ": expected sha256:" + std::string(64, '0') +
                ", got sha256:" + Sha256::hex("payload") + "; fix --checksum or the URL");
  EXPECT_FALSE(fs::exists(Dst.Root / "bad"));
  EXPECT_EQ(err(copy(Ctx, Dst, {S.url("/missing")}, "/m")),
            "cannot download " + S.url("/missing") + ": The requested URL returned error: 404");
}

TEST(Copy, GoMatchAndResolveInRoot) {
  auto M = [](const char *P, const char *N) {
    auto R = goMatch(P, N);
    return R ? (*R ? 1 : 0) : -1;
  };
  EXPECT_EQ(M("*.txt", "a.txt"), 1);
  EXPECT_EQ(M("*.txt", "a/b.txt"), 0);
  EXPECT_EQ(M("a?c", "abc"), 1);
  EXPECT_EQ(M("[a-c]x", "bx"), 1);
  EXPECT_EQ(M("[^a-c]x", "bx"), 0);
  EXPECT_EQ(M("\\*", "*"), 1);
  EXPECT_EQ(M("a*b*c", "axxbyyc"), 1);
  EXPECT_EQ(M("[", "a"), -1);
  EXPECT_EQ(M("a[", "b"), -1);
  TempTree R;
  fs::create_directories(R.Root / "real/dir");
  fs::create_symlink("/real", R.Root / "abs");
  fs::create_symlink("../../../real/dir", R.Root / "rel");
  EXPECT_EQ(*resolveInRoot(R.str(), "/abs/dir", true), R.str() + "/real/dir");
  EXPECT_EQ(*resolveInRoot(R.str(), "rel", true), R.str() + "/real/dir");
  EXPECT_EQ(*resolveInRoot(R.str(), "rel", false), R.str() + "/rel");
  EXPECT_EQ(*resolveInRoot(R.str(), "/../../x", true), R.str() + "/x");
  fs::create_symlink("loop", R.Root / "loop");
  EXPECT_EQ(err(resolveInRoot(R.str(), "/loop", true).takeError()),
            "too many levels of symbolic links resolving /loop");
}

} // namespace
} // namespace ballast::builder
