//===- StoreCliTest.cpp - Image store commands end to end, and interop ----===//
//
// A busybox-static rootfs is imported (instant), then listed, inspected, tagged, saved, loaded,
// removed, pruned and fsck'ed through the `ballast` binary; skopeo and umoci read the store and
// the archives, and ballast reads theirs.
//
//===----------------------------------------------------------------------===//
#include <filesystem>
#include <regex>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/Platform.h"
#include "store/Inspect.h"
#include "support/Hash.h"
#include "tests/TestUtil.h"

using namespace ballast::test;
namespace fs = std::filesystem;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

namespace {

std::string exe() { return BALLAST_EXE; }

class StoreCliTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = tempDir("ballast-storecli");
    Root = Dir / "root";
    fs::create_directories(Dir / "rootfs" / "bin");
    fs::copy_file("/bin/busybox", Dir / "rootfs" / "bin" / "busybox");
    for (const char *L : {"sh", "ls", "cat", "echo"})
      fs::create_symlink("busybox", Dir / "rootfs" / "bin" / L);
    std::string Out;
    ASSERT_EQ(run("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                      (Dir / "rootfs").string() + " -cf " + tar() + " .",
                  Out, true),
              0)
        << Out;
    ballast::Sha256 H;
    std::string Bytes = slurp(tar());
    H.update(Bytes);
    DiffId = "sha256:" + H.finishHex();
    TarSize = static_cast<int64_t>(Bytes.size());
  }
  void TearDown() override { fs::remove_all(Dir); }

  std::string tar() const { return (Dir / "rootfs.tar").string(); }
  /// Runs `ballast VERB --root ROOT ARGS`; Out gets stdout and stderr.
  int ballast(const std::string &Args, std::string &Out, bool MergeErr = true) {
    std::string Verb = Args.substr(0, Args.find(' '));
    std::string Rest = Args.size() > Verb.size() ? Args.substr(Verb.size()) : "";
    if (Verb == "image") { // the subverb comes first
      std::string Sub = Rest.substr(1, Rest.find(' ', 1) - 1);
      Verb += " " + Sub;
      Rest = Rest.substr(1 + Sub.size());
    }
    return run(exe() + " " + Verb + " --root " + Root.string() + Rest, Out, MergeErr);
  }
  std::string importBusybox(const std::string &Name = "busybox") {
    std::string Out;
    EXPECT_EQ(
        ballast("import --change 'CMD [\"node\", \"app.js\"]' " + tar() + " " + Name, Out, false),
        0)
        << Out;
    EXPECT_THAT(Out, MatchesRegex("sha256:[0-9a-f]{64}\n"));
    return Out.substr(0, 71);
  }

  fs::path Dir, Root;
  std::string DiffId;
  int64_t TarSize = 0;
};

} // namespace

TEST_F(StoreCliTest, ImagesInEveryFormat) {
  std::string Id = importBusybox();
  std::string Short = Id.substr(7, 12);
  std::string Size = ballast::store::humanSize(TarSize);
  std::string Out;
  ASSERT_EQ(ballast("images", Out), 0) << Out;
  EXPECT_THAT(Out,
              MatchesRegex("REPOSITORY   TAG       IMAGE ID       CREATED +SIZE\n"
                           "busybox      latest    " +
                           Short + "   (Less than a second|[0-9]+ seconds?) ago +" + Size + "\n"));
  ASSERT_EQ(ballast("image ls --format '{{.Repository}}:{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "busybox:latest\n");
  ASSERT_EQ(ballast("image list -q", Out), 0);
  EXPECT_EQ(Out, Short + "\n");
  ASSERT_EQ(ballast("images -q --no-trunc", Out), 0);
  EXPECT_EQ(Out, Id + "\n");
  ASSERT_EQ(ballast("images --digests", Out), 0);
  EXPECT_THAT(Out, ContainsRegex("^REPOSITORY   TAG       DIGEST  +IMAGE ID       CREATED"));
  EXPECT_THAT(Out, ContainsRegex("busybox      latest    sha256:[0-9a-f]{64}   " + Short));
  ASSERT_EQ(ballast("images --format json", Out, false), 0);
  auto J = nlohmann::json::parse(Out);
  EXPECT_EQ(J["ID"], Short);
  EXPECT_EQ(J["Repository"], "busybox");
  EXPECT_EQ(J["Tag"], "latest");
  EXPECT_EQ(J["Size"], Size);
  EXPECT_EQ(J["Containers"], "N/A");
  ASSERT_EQ(ballast("images --format 'table {{.ID}}\\t{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "IMAGE ID       TAG\n" + Short + "   latest\n");
  ASSERT_EQ(ballast("images nothere", Out), 0);
  EXPECT_EQ(Out, "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
  ASSERT_EQ(ballast("images --format '{{.Nope'", Out), 2);
  EXPECT_THAT(Out, HasSubstr("ballast images: --format: template: "));
}

TEST_F(StoreCliTest, InspectWithDockerTemplates) {
  std::string Id = importBusybox();
  std::string Out;
  ASSERT_EQ(ballast("inspect -f '{{.Config.Cmd}}' busybox", Out), 0) << Out;
  EXPECT_EQ(Out, "[node app.js]\n");
  ASSERT_EQ(ballast("inspect -f '{{json .Config}}' busybox", Out), 0);
  EXPECT_EQ(nlohmann::json::parse(Out)["Cmd"], nlohmann::json({"node", "app.js"}));
  ASSERT_EQ(ballast("inspect -f '{{index .RepoTags 0}}' busybox", Out), 0);
  EXPECT_EQ(Out, "busybox:latest\n");
  ASSERT_EQ(ballast("inspect -f '{{range .RootFS.Layers}}{{.}} {{end}}' busybox", Out), 0);
  EXPECT_EQ(Out, DiffId + " \n");
  ASSERT_EQ(ballast("image inspect -f '{{.Os}}/{{.Architecture}}' " + Id.substr(7, 12), Out), 0);
  EXPECT_EQ(Out, "linux/" + ballast::oci::Platform::host().Architecture + "\n");

  ASSERT_EQ(ballast("inspect busybox:latest", Out, false), 0);
  auto J = nlohmann::json::parse(Out);
  ASSERT_EQ(J.size(), 1u);
  EXPECT_EQ(J[0]["Id"], Id);
  EXPECT_EQ(J[0]["RepoTags"], nlohmann::json({"busybox:latest"}));
  EXPECT_THAT(J[0]["RepoDigests"][0].get<std::string>(),
              MatchesRegex("busybox@sha256:[0-9a-f]{64}"));
  EXPECT_EQ(J[0]["Size"], TarSize);
  EXPECT_EQ(J[0]["Os"], "linux");
  EXPECT_EQ(J[0]["Comment"], "Imported from -");
  EXPECT_EQ(J[0]["RootFS"], nlohmann::json({{"Type", "layers"}, {"Layers", {DiffId}}}));
  ASSERT_EQ(J[0]["History"].size(), 1u);
  EXPECT_EQ(J[0]["History"][0]["comment"], "Imported from -");
  EXPECT_EQ(J[0]["History"][0]["created"], J[0]["Created"]);
  EXPECT_THAT(Out, HasSubstr("[\n    {\n        \"Id\": \"" + Id + "\",\n"));

  ASSERT_EQ(ballast("inspect foo", Out), 1);
  EXPECT_EQ(Out, "[]\nError: No such image: foo\n");
}

TEST_F(StoreCliTest, InspectPrintsNilSlicesAndMapsLikeDocker) {
  // An image without CMD, ENTRYPOINT, ENV or LABEL: docker's template sees nil slices and maps
  // and prints them as [] and map[]; its json function prints them as null.
  std::string Out;
  ASSERT_EQ(ballast("import " + tar() + " bare:1", Out, false), 0) << Out;
  ASSERT_EQ(ballast("inspect -f '{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Config.Env}}|"
                    "{{.Config.OnBuild}}|{{.Config.Shell}}' bare:1",
                    Out),
            0)
      << Out;
  EXPECT_EQ(Out, "[]|[]|[]|[]|[]\n");
  ASSERT_EQ(ballast("inspect -f '{{.Config.Labels}} {{.Config.Volumes}} {{.Config.ExposedPorts}}' "
                    "bare:1",
                    Out),
            0)
      << Out;
  EXPECT_EQ(Out, "map[] map[] map[]\n");
  ASSERT_EQ(ballast("inspect -f '{{len .Config.Cmd}} {{if .Config.Cmd}}set{{else}}unset{{end}}' "
                    "bare:1",
                    Out),
            0)
      << Out;
  EXPECT_EQ(Out, "0 unset\n");
  ASSERT_EQ(ballast("inspect -f '{{json .Config.Cmd}} {{json .Config.Labels}}' bare:1", Out), 0)
      << Out;
  EXPECT_EQ(Out, "null null\n");
  ASSERT_EQ(ballast("inspect bare:1", Out, false), 0);
  auto J = nlohmann::json::parse(Out);
  EXPECT_TRUE(J[0]["Config"]["Cmd"].is_null());
  EXPECT_TRUE(J[0]["Config"]["Labels"].is_null());
}

TEST_F(StoreCliTest, HistoryLikeDocker) {
  std::string Id = importBusybox();
  std::string Out;
  ASSERT_EQ(ballast("history busybox", Out), 0) << Out;
  EXPECT_THAT(Out, MatchesRegex("IMAGE          CREATED +CREATED BY   SIZE      COMMENT\n" +
                                Id.substr(7, 12) + "   [^\n]+ ago +" +
                                ballast::store::humanSize(TarSize) + " +Imported from -\n"));
  ASSERT_EQ(ballast("history -q busybox", Out), 0);
  EXPECT_EQ(Out, Id.substr(7, 12) + "\n");
  ASSERT_EQ(ballast("history --format '{{.Size}}|{{.Comment}}' --human=false busybox", Out), 0);
  EXPECT_EQ(Out, std::to_string(TarSize) + "|Imported from -\n");
  ASSERT_EQ(ballast("history nope", Out), 1);
  EXPECT_EQ(Out, "Error: No such image: nope\n");
}

TEST_F(StoreCliTest, TagRmiAndPrune) {
  std::string Id = importBusybox();
  std::string Out;
  ASSERT_EQ(ballast("tag busybox example.com/team/bb:2", Out), 0) << Out;
  ASSERT_EQ(ballast("images --format '{{.Repository}}:{{.Tag}} {{.ID}}'", Out), 0);
  EXPECT_EQ(Out, "busybox:latest " + Id.substr(7, 12) + "\nexample.com/team/bb:2 " +
                     Id.substr(7, 12) + "\n");
  ASSERT_EQ(ballast("rmi " + Id.substr(7, 12), Out), 1);
  EXPECT_EQ(Out, "Error: conflict: unable to delete " + Id.substr(7, 12) +
                     " (must be forced) - image is referenced in multiple repositories\n");
  ASSERT_EQ(ballast("rmi busybox", Out), 0);
  EXPECT_EQ(Out, "Untagged: busybox:latest\n");
  ASSERT_EQ(ballast("image rm example.com/team/bb:2", Out, false), 0);
  EXPECT_THAT(Out, MatchesRegex("Untagged: example.com/team/bb:2\nDeleted: " + Id +
                                "\nDeleted: sha256:[0-9a-f]{64}\nDeleted: sha256:[0-9a-f]{64}\n"));
  EXPECT_TRUE(fs::is_empty(Root / "blobs" / "sha256"));
  ASSERT_EQ(ballast("rmi busybox", Out), 1);
  EXPECT_EQ(Out, "Error: No such image: busybox\n");

  // An image retagged away becomes <none>; prune is a dry run until --force.
  importBusybox("app:1");
  fs::create_directories(Dir / "rootfs" / "etc");
  spit(Dir / "rootfs" / "etc" / "motd", "v2\n");
  ASSERT_EQ(run("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                    (Dir / "rootfs").string() + " -cf " + tar() + " .",
                Out),
            0);
  importBusybox("app:1");
  ASSERT_EQ(ballast("images --format '{{.Repository}}:{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "app:1\n<none>:<none>\n");
  ASSERT_EQ(ballast("images --filter dangling=true --format '{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "<none>\n");
  ASSERT_EQ(ballast("images -f 'reference=a*' --format '{{.Repository}}:{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "app:1\n");
  ASSERT_EQ(ballast("images --filter label=x", Out), 2);
  EXPECT_EQ(Out, "ballast images: invalid filter 'label=x'; use dangling=true|false or "
                 "reference=PATTERN\n");
  ASSERT_EQ(ballast("image prune", Out), 0);
  EXPECT_THAT(Out, ContainsRegex("^would delete: sha256:[0-9a-f]{64} \\([0-9.]+[kM]?B\\)\n"));
  EXPECT_THAT(Out, HasSubstr("Total reclaimable space: "));
  EXPECT_THAT(Out, HasSubstr("run 'ballast image prune --force' to delete"));
  std::string DryDefault = Out;
  // -a also takes the parents of other images; this <none> is no image's parent: same list.
  ASSERT_EQ(ballast("image prune -a", Out), 0);
  EXPECT_EQ(Out.substr(0, Out.find("dry run")), DryDefault.substr(0, DryDefault.find("dry run")));
  EXPECT_THAT(Out, HasSubstr("run 'ballast image prune -a --force' to delete"));
  ASSERT_EQ(ballast("images -q", Out), 0);
  EXPECT_EQ(std::count(Out.begin(), Out.end(), '\n'), 2);
  ASSERT_EQ(ballast("image prune --force", Out), 0);
  EXPECT_THAT(Out, ContainsRegex("^deleted: sha256:"));
  EXPECT_THAT(Out, HasSubstr("Total reclaimed space: "));
  ASSERT_EQ(ballast("images --format '{{.Repository}}:{{.Tag}}'", Out), 0);
  EXPECT_EQ(Out, "app:1\n");
  ASSERT_EQ(ballast("fsck", Out), 0) << Out;
  EXPECT_EQ(Out, "3 blobs checked, 0 corrupt, 0 missing, 0 dangling\n");
}

TEST_F(StoreCliTest, SaveAndLoadRoundTrip) {
  std::string Id = importBusybox();
  std::string Out;
  std::string Archive = (Dir / "bb.tar").string();
  ASSERT_EQ(ballast("save -o " + Archive + " busybox", Out), 0) << Out;
  ASSERT_EQ(run("tar -tf " + Archive, Out), 0);
  EXPECT_THAT(Out, HasSubstr("manifest.json\n"));
  EXPECT_THAT(Out, HasSubstr(DiffId.substr(7) + "/layer.tar\n"));
  ASSERT_EQ(ballast("rmi busybox", Out), 0);
  ASSERT_EQ(ballast("load -i " + Archive, Out), 0) << Out;
  EXPECT_EQ(Out, "Loaded image: busybox:latest\n");
  ASSERT_EQ(ballast("images -q --no-trunc", Out), 0);
  EXPECT_EQ(Out, Id + "\n");

  // gzip, standard input, and the OCI format.
  ASSERT_EQ(run("gzip -c " + Archive + " > " + Archive + ".gz", Out), 0);
  ASSERT_EQ(ballast("load < " + Archive + ".gz", Out), 0) << Out;
  EXPECT_EQ(Out, "Loaded image: busybox:latest\n");
  std::string Oci = (Dir / "bb.oci.tar").string();
  ASSERT_EQ(ballast("save --format oci busybox > " + Oci, Out), 0) << Out;
  ASSERT_EQ(run("tar -tf " + Oci, Out), 0);
  EXPECT_THAT(Out, HasSubstr("oci-layout\n"));
  EXPECT_THAT(Out, HasSubstr("index.json\n"));
  ASSERT_EQ(ballast("rmi -f " + Id, Out), 0);
  ASSERT_EQ(ballast("image load -i " + Oci, Out), 0) << Out;
  EXPECT_EQ(Out, "Loaded image: busybox:latest\n");
  ASSERT_EQ(ballast("inspect -f '{{.Id}}' busybox", Out), 0);
  EXPECT_EQ(Out, Id + "\n");

  spit(Dir / "junk.tar", "not a tar");
  ASSERT_EQ(ballast("load -i " + (Dir / "junk.tar").string(), Out), 1);
  EXPECT_THAT(Out, HasSubstr("Error: " + (Dir / "junk.tar").string() +
                             ": the archive ends inside a tar header; the file is truncated"));
  ASSERT_EQ(ballast("save busybox", Out), 0); // stdout is a pipe here, so allowed
  ASSERT_EQ(ballast("save -o " + (Dir / "x.tar").string() + " nope", Out), 1);
  EXPECT_EQ(Out, "Error: No such image: nope\n");
}

TEST_F(StoreCliTest, SaveWritesDevicesInPlaceAndFollowsSymlinks) {
  importBusybox();
  std::string Out;
  // A device is written, never replaced (a rename over /dev/null would break the host).
  ASSERT_EQ(ballast("save -o /dev/null busybox", Out), 0) << Out;
  struct stat St;
  ASSERT_EQ(::lstat("/dev/null", &St), 0);
  EXPECT_TRUE(S_ISCHR(St.st_mode));
  // A symlink stays a link; the file it names receives the archive.
  fs::path Real = Dir / "real.tar", Link = Dir / "link.tar";
  spit(Real, "old");
  fs::create_symlink(Real, Link);
  ASSERT_EQ(ballast("save -o " + Link.string() + " busybox", Out), 0) << Out;
  EXPECT_TRUE(fs::is_symlink(Link));
  EXPECT_GT(fs::file_size(Real), 3u);
  ASSERT_EQ(ballast("load -i " + Real.string(), Out), 0) << Out;
  EXPECT_THAT(Out, HasSubstr("busybox"));
}

TEST_F(StoreCliTest, AMissingLibraryIsNamedWithItsPackage) {
  // libcrypto and libarchive are loaded on first use (support/Crypto.h, oci/LibArchive.h); a
  // file that is not a library, found first on LD_LIBRARY_PATH, stands for a broken install.
  importBusybox();
  auto Without = [&](const std::string &Soname) {
    fs::path Lib = Dir / ("no-" + Soname);
    fs::create_directories(Lib);
    spit(Lib / Soname, "not a library");
    return "LD_LIBRARY_PATH=" + Lib.string() + " " + exe() + " ";
  };
  std::string Out;
  EXPECT_EQ(
      run(Without("libcrypto.so.3") + "import --root " + Root.string() + " " + tar() + " other",
          Out, true),
      1);
  EXPECT_THAT(Out, HasSubstr("ballast: cannot load libcrypto (libcrypto.so.3: "));
  EXPECT_THAT(Out, HasSubstr("; install it (Debian: apt-get install libssl3)\n"));
  fs::path Saved = Dir / "saved.tar";
  EXPECT_EQ(run(Without("libarchive.so.13") + "save --root " + Root.string() + " -o " +
                    Saved.string() + " busybox",
                Out, true),
            1);
  EXPECT_THAT(Out, HasSubstr("cannot write " + Saved.string() +
                             ": cannot load libarchive (libarchive.so.13: "));
  EXPECT_THAT(Out, HasSubstr("; install it (Debian: apt-get install libarchive13)"));
  EXPECT_FALSE(fs::exists(Saved));
  ASSERT_EQ(ballast("images --format '{{.Repository}}'", Out, false), 0);
  EXPECT_EQ(Out, "busybox\n");
}

TEST_F(StoreCliTest, FsckReportsAndRepairsCorruption) {
  std::string Id = importBusybox();
  std::string Out;
  std::string Config = (Root / "blobs" / "sha256" / Id.substr(7)).string();
  fs::permissions(Config, fs::perms::owner_write, fs::perm_options::add);
  spit(Config, "{}");
  spit(Root / ".ballast" / "tmp" / "crashed-pull", "half");
  ASSERT_EQ(ballast("fsck", Out), 1);
  EXPECT_EQ(Out, "corrupt: " + Config + "\nmissing: " + Id +
                     "\ndangling: " + (Root / ".ballast" / "tmp" / "crashed-pull").string() +
                     "\n3 blobs checked, 1 corrupt, 1 missing, 1 dangling\nError: the store at " +
                     Root.string() +
                     " is damaged; pull or load the affected images again (run 'ballast fsck "
                     "--repair' to remove corrupt files)\n");
  ASSERT_EQ(ballast("fsck --repair", Out), 1);
  EXPECT_THAT(Out, HasSubstr("corrupt: " + Config + " (removed)\n"));
  EXPECT_FALSE(fs::exists(Config));
  EXPECT_FALSE(fs::exists(Root / ".ballast" / "tmp" / "crashed-pull"));
  ASSERT_EQ(ballast("inspect busybox", Out), 1);
  ASSERT_EQ(ballast("rmi busybox", Out), 0) << Out;
  ASSERT_EQ(ballast("image prune -f", Out), 0);
  ASSERT_EQ(ballast("fsck", Out), 0) << Out;
  EXPECT_EQ(Out, "0 blobs checked, 0 corrupt, 0 missing, 0 dangling\n");
}

TEST_F(StoreCliTest, UsageErrorsExitTwo) {
  std::string Out;
  EXPECT_EQ(ballast("tag onlyone", Out), 2);
  EXPECT_EQ(Out, "ballast tag: requires exactly 2 arguments; usage: ballast tag SOURCE TARGET\n");
  EXPECT_EQ(ballast("import --change 'RUN rm -rf /' " + tar() + " x", Out), 2);
  EXPECT_EQ(Out, "ballast import: --change \"RUN rm -rf /\": RUN is not a valid change command; "
                 "use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or "
                 "WORKDIR\n");
  EXPECT_EQ(ballast("images --digest", Out), 2);
  EXPECT_THAT(Out, HasSubstr("did you mean --digests?"));
  EXPECT_EQ(ballast("save --format tarball -o x.tar busybox", Out), 2);
  EXPECT_EQ(Out, "ballast save: --format must be docker or oci, not tarball\n");
  EXPECT_EQ(run(exe() + " image lss", Out, true), 2);
  EXPECT_THAT(Out, HasSubstr("'lss' is not an image command; did you mean 'ls'?"));
  EXPECT_EQ(ballast("tag nope x:1", Out), 1);
  EXPECT_EQ(Out, "Error: No such image: nope\n");
}

TEST_F(StoreCliTest, RootComesFromTheEnvironment) {
  std::string Out;
  ASSERT_EQ(
      run("BALLAST_ROOT=" + Root.string() + " " + exe() + " import " + tar() + " envbox", Out), 0);
  ASSERT_EQ(
      run("BALLAST_ROOT=" + Root.string() + " " + exe() + " images --format '{{.Repository}}'",
          Out),
      0);
  EXPECT_EQ(Out, "envbox\n");
  ASSERT_EQ(run("env -u BALLAST_ROOT XDG_DATA_HOME=" + Dir.string() + " " + exe() + " import " +
                    tar() + " xdgbox",
                Out),
            0);
  EXPECT_TRUE(fs::exists(Dir / "ballast" / "index.json"));
}

TEST_F(StoreCliTest, ImportFromStdinWithMessageAndPlatform) {
  std::string Out;
  ASSERT_EQ(ballast("import -m 'from ci' --platform linux/arm64 -c 'ENV A=1' -c 'USER 65534' - "
                    "armbox:2 < " +
                        tar(),
                    Out),
            0)
      << Out;
  ASSERT_EQ(ballast("inspect -f '{{.Architecture}} {{.Comment}} {{.Config.Env}} {{.Config.User}}' "
                    "armbox:2",
                    Out),
            0);
  EXPECT_EQ(Out, "arm64 from ci [A=1] 65534\n");
  ASSERT_EQ(ballast("history --format '{{.Comment}}' armbox:2", Out), 0);
  EXPECT_EQ(Out, "from ci\n");
  ASSERT_EQ(ballast("import " + (Dir / "missing.tar").string(), Out), 2);
  EXPECT_EQ(Out,
            "ballast import: " + (Dir / "missing.tar").string() + ": No such file or directory\n");
}

TEST_F(StoreCliTest, ConcurrentLoadsOfTheSameImageBothSucceed) {
  importBusybox();
  std::string Out;
  std::string Archive = (Dir / "bb.tar").string();
  ASSERT_EQ(ballast("save -o " + Archive + " busybox", Out), 0) << Out;
  fs::path Other = Dir / "other";
  // Wait for each pid: `wait -n` can miss a job that ends together with another one.
  std::string Cmd = "pids=; for i in 1 2 3; do " + exe() + " load --root " + Other.string() +
                    " -i " + Archive + " > " + Dir.string() +
                    "/load$i.out 2>&1 & pids=\"$pids $!\"; " +
                    "done; ok=0; for p in $pids; do wait $p || ok=1; done; exit $ok";
  ASSERT_EQ(run("bash -c '" + Cmd + "'", Out, true), 0) << Out;
  for (int I = 1; I <= 3; ++I)
    EXPECT_EQ(slurp(Dir / ("load" + std::to_string(I) + ".out")), "Loaded image: busybox:latest\n");
  ASSERT_EQ(run(exe() + " fsck --root " + Other.string(), Out, true), 0) << Out;
  EXPECT_EQ(Out, "3 blobs checked, 0 corrupt, 0 missing, 0 dangling\n");
}

// --- interop ---------------------------------------------------------------------------------

TEST_F(StoreCliTest, SkopeoAndUmociReadTheStore) {
  std::string Id = importBusybox();
  std::string Out;
  std::string Ref = "oci:" + Root.string() + ":docker.io/library/busybox:latest";
  ASSERT_EQ(run("skopeo inspect " + Ref, Out), 0) << Out;
  auto J = nlohmann::json::parse(Out);
  EXPECT_EQ(J["Layers"].size(), 1u);
  EXPECT_EQ(J["Os"], "linux");
  std::string Digest;
  ASSERT_EQ(ballast("images --format '{{.Digest}}'", Digest, false), 0);
  EXPECT_EQ(J["Digest"].get<std::string>() + "\n", Digest);
  ASSERT_EQ(run("skopeo copy " + Ref + " dir:" + (Dir / "copied").string(), Out, true), 0) << Out;
  EXPECT_TRUE(fs::exists(Dir / "copied" / "manifest.json"));
  EXPECT_TRUE(fs::exists(Dir / "copied" / Id.substr(7)));

  ASSERT_EQ(run("umoci ls --layout " + Root.string(), Out, true), 0) << Out;
  EXPECT_EQ(Out, "docker.io/library/busybox:latest\n");
  ASSERT_EQ(
      run("umoci stat --image " + Root.string() + ":docker.io/library/busybox:latest", Out, true),
      0)
      << Out;
  EXPECT_THAT(Out, HasSubstr("Imported from -"));
  ASSERT_EQ(run("umoci unpack --rootless --image " + Root.string() +
                    ":docker.io/library/busybox:latest " + (Dir / "bundle").string(),
                Out, true),
            0)
      << Out;
  EXPECT_TRUE(fs::is_symlink(Dir / "bundle" / "rootfs" / "bin" / "sh"));
  EXPECT_EQ(fs::file_size(Dir / "bundle" / "rootfs" / "bin" / "busybox"),
            fs::file_size("/bin/busybox"));
  // umoci's unpack must not have changed the store it read.
  ASSERT_EQ(ballast("fsck", Out), 0) << Out;
}

TEST_F(StoreCliTest, SkopeoDockerArchivesRoundTrip) {
  std::string Id = importBusybox();
  std::string Out;
  std::string FromSkopeo = (Dir / "skopeo.tar").string();
  ASSERT_EQ(run("skopeo copy oci:" + Root.string() + ":docker.io/library/busybox:latest " +
                    "docker-archive:" + FromSkopeo + ":team/bb:3",
                Out, true),
            0)
      << Out;
  ASSERT_EQ(ballast("load -i " + FromSkopeo, Out), 0) << Out;
  EXPECT_EQ(Out, "Loaded image: team/bb:3\n");
  ASSERT_EQ(ballast("inspect -f '{{.Id}} {{range .RootFS.Layers}}{{.}}{{end}}' team/bb:3", Out), 0);
  EXPECT_EQ(Out, Id + " " + DiffId + "\n");

  std::string Saved = (Dir / "saved.tar").string();
  ASSERT_EQ(ballast("save -o " + Saved + " busybox", Out), 0) << Out;
  ASSERT_EQ(
      run("skopeo copy docker-archive:" + Saved + " oci:" + (Dir / "layout").string() + ":back",
          Out, true),
      0)
      << Out;
  ASSERT_EQ(run("skopeo inspect --config oci:" + (Dir / "layout").string() + ":back", Out), 0)
      << Out;
  auto Cfg = nlohmann::json::parse(Out);
  EXPECT_EQ(Cfg["config"]["Cmd"], nlohmann::json({"node", "app.js"}));
  EXPECT_EQ(Cfg["rootfs"]["diff_ids"], nlohmann::json({DiffId}));
  ASSERT_EQ(run("skopeo inspect docker-archive:" + Saved, Out), 0) << Out;
  EXPECT_EQ(nlohmann::json::parse(Out)["Layers"].size(), 1u);
}
