//===- ArchiveTest.cpp - docker-archive / oci-archive / layout round trips ===//
#include "store/Archive.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"

using namespace ballast;
using namespace ballast::store;
namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

namespace {

std::string slurp(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(In), {});
}

void spit(const fs::path &P, const std::string &S) { std::ofstream(P, std::ios::binary) << S; }

int sh(const std::string &Cmd) { return std::system(Cmd.c_str()); }

std::string readBlob(const oci::Image &Img, const oci::Descriptor &D) {
  auto R = Img.openBlob(D);
  EXPECT_TRUE(static_cast<bool>(R)) << llvm::toString(R.takeError());
  auto S = readAll(**R);
  EXPECT_TRUE(static_cast<bool>(S)) << llvm::toString(S.takeError());
  return *S;
}

class ArchiveTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = fs::path(testing::TempDir()) / ("ballast-archive-" + std::to_string(getpid()));
    fs::remove_all(Dir);
    fs::create_directories(Dir / "rootfs" / "etc");
    spit(Dir / "rootfs" / "etc" / "hostname", "box\n");
    ASSERT_EQ(sh("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                 (Dir / "rootfs").string() + " -cf " + (Dir / "layer.tar").string() + " etc"),
              0);
    LayerTar = slurp(Dir / "layer.tar");
    auto Z = oci::compress(stringReader(LayerTar), oci::media::Compression::Gzip);
    ASSERT_TRUE(static_cast<bool>(Z));
    LayerGz = *readAll(**Z);

    oci::ImageConfig C;
    C.Architecture = "amd64";
    C.Created = "2024-05-06T07:08:09Z";
    C.Config.Cmd = std::vector<std::string>{"cat", "/etc/hostname"};
    C.DiffIDs = {oci::Digest::sha256Of(LayerTar)};
    Config = C.toJson();
    oci::Manifest M;
    M.MediaType = oci::media::OciManifest;
    M.Config.MediaType = oci::media::OciConfig;
    M.Config.Dig = oci::Digest::sha256Of(Config);
    M.Config.Size = int64_t(Config.size());
    oci::Descriptor L;
    L.MediaType = oci::media::OciLayerGzip;
    L.Dig = oci::Digest::sha256Of(LayerGz);
    L.Size = int64_t(LayerGz.size());
    M.Layers = {L};
    Manifest = M.toJson();
    std::string Gz = LayerGz;
    auto I = oci::BasicImage::create(
        Manifest, Config, [Gz](const oci::Descriptor &) -> llvm::Expected<std::unique_ptr<Reader>> {
          return stringReader(Gz);
        });
    ASSERT_TRUE(static_cast<bool>(I));
    Img = std::move(*I);
  }
  void TearDown() override { fs::remove_all(Dir); }

  std::string write(ArchiveWriter::Format F, const std::vector<std::string> &Tags) {
    std::string Out = (Dir / (F == ArchiveWriter::Format::Oci ? "oci.tar" : "docker.tar")).string();
    auto W = ArchiveWriter::create(Out, F);
    EXPECT_TRUE(static_cast<bool>(W));
    for (auto &T : Tags) {
      llvm::Error E = oci::copyImage(*Img, **W, T);
      EXPECT_FALSE(static_cast<bool>(E)) << llvm::toString(std::move(E));
    }
    EXPECT_FALSE(fs::exists(Out)); // nothing visible before commit
    llvm::Error E = (*W)->commit();
    EXPECT_FALSE(static_cast<bool>(E)) << llvm::toString(std::move(E));
    return Out;
  }

  std::vector<std::string> members(const std::string &Tar) {
    std::string Out;
    FILE *P = popen(("tar -tf " + Tar).c_str(), "r");
    char Buf[4096];
    size_t N;
    while ((N = fread(Buf, 1, sizeof Buf, P)) > 0)
      Out.append(Buf, N);
    pclose(P);
    std::vector<std::string> L;
    for (llvm::StringRef Rest = Out; !Rest.empty();) {
      auto [Line, Tail] = Rest.split('\n');
      L.push_back(Line.str());
      Rest = Tail;
    }
    return L;
  }

  fs::path Dir;
  std::string LayerTar, LayerGz, Config, Manifest;
  std::unique_ptr<oci::Image> Img;
};

} // namespace

TEST_F(ArchiveTest, DockerArchiveHasDockerLoadsLayoutWithUncompressedLayers) {
  std::string Out = write(ArchiveWriter::Format::Docker, {"busybox", "example.com/app:1"});
  std::string Id = oci::Digest::sha256Of(Config).hex();
  std::string Diff = oci::Digest::sha256Of(LayerTar).hex();
  // copyImage puts blobs from several threads, so the config and the layer may come in either
  // order; a layer's folder always comes before its layer.tar, the index files come last.
  auto Members = members(Out);
  EXPECT_THAT(Members, UnorderedElementsAre(Id + ".json", Diff + "/", Diff + "/layer.tar",
                                            "manifest.json", "repositories"));
  auto Pos = [&](const std::string &M) {
    return std::find(Members.begin(), Members.end(), M) - Members.begin();
  };
  EXPECT_LT(Pos(Diff + "/"), Pos(Diff + "/layer.tar"));
  EXPECT_EQ(Pos("manifest.json"), 3);
  EXPECT_EQ(Pos("repositories"), 4);
  ASSERT_EQ(
      sh("mkdir -p " + (Dir / "x").string() + " && tar -C " + (Dir / "x").string() + " -xf " + Out),
      0);
  EXPECT_EQ(slurp(Dir / "x" / "manifest.json"),
            "[{\"Config\":\"" + Id + ".json\",\"Layers\":[\"" + Diff +
                "/layer.tar\"],\"RepoTags\":[\"busybox:latest\",\"example.com/app:1\"]}]");
  EXPECT_EQ(slurp(Dir / "x" / "repositories"), "{\"busybox\":{\"latest\":\"" + Diff +
                                                   "\"},\"example.com/app\":{\"1\":\"" + Diff +
                                                   "\"}}");
  EXPECT_EQ(slurp(Dir / "x" / (Diff + "/layer.tar")), LayerTar);
  EXPECT_EQ(slurp(Dir / "x" / (Id + ".json")), Config);

  auto Back = openArchive(Out);
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  auto &S = (*Back)[0];
  EXPECT_THAT(S.Names, ElementsAre("docker.io/library/busybox:latest", "example.com/app:1"));
  EXPECT_EQ(S.Img->id(), Img->id());
  ASSERT_EQ(S.Img->layers().size(), 1u);
  EXPECT_EQ(S.Img->layers()[0].MediaType, oci::media::OciLayer);
  EXPECT_EQ(S.Img->layers()[0].Dig.hex(), Diff);
  EXPECT_EQ(readBlob(*S.Img, S.Img->layers()[0]), LayerTar);
}

TEST_F(ArchiveTest, GzippedDockerArchivesAreReadWithoutExtracting) {
  std::string Out = write(ArchiveWriter::Format::Docker, {"busybox"});
  ASSERT_EQ(sh("gzip -k " + Out), 0);
  auto Back = openArchive(Out + ".gz");
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  auto &S = (*Back)[0];
  EXPECT_EQ(S.Img->id(), Img->id());
  EXPECT_EQ(readBlob(*S.Img, S.Img->layers()[0]), LayerTar);
}

TEST_F(ArchiveTest, OciArchiveKeepsTheManifestDigest) {
  std::string Out = write(ArchiveWriter::Format::Oci, {"busybox:1.36"});
  auto Back = openArchive(Out);
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  EXPECT_EQ((*Back)[0].Img->digest(), Img->digest());
  EXPECT_THAT((*Back)[0].Names, ElementsAre("docker.io/library/busybox:1.36"));
  EXPECT_EQ(readBlob(*(*Back)[0].Img, (*Back)[0].Img->layers()[0]), LayerGz);

  auto ByTag = openImageSpec("oci-archive:" + Out + ":1.36", nullptr);
  ASSERT_TRUE(static_cast<bool>(ByTag)) << llvm::toString(ByTag.takeError());
  EXPECT_EQ((*ByTag)->digest(), Img->digest());
  auto Wrong = openImageSpec("oci-archive:" + Out + ":2", nullptr);
  EXPECT_EQ(llvm::toString(Wrong.takeError()), "oci-archive:" + Out + " has no image named 2");
}

TEST_F(ArchiveTest, Docker25ArchiveWithAnOciLayoutKeepsTheManifestDigest) {
  // Docker 25+ `docker save`: an OCI layout plus manifest.json pointing into blobs/sha256.
  std::string Oci = write(ArchiveWriter::Format::Oci, {"busybox"});
  fs::path X = Dir / "d25";
  fs::create_directories(X);
  ASSERT_EQ(sh("tar -C " + X.string() + " -xf " + Oci), 0);
  spit(X / "manifest.json", "[{\"Config\":\"blobs/sha256/" + oci::Digest::sha256Of(Config).hex() +
                                "\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"blobs/sha256/" +
                                oci::Digest::sha256Of(LayerGz).hex() + "\"]}]");
  ASSERT_EQ(sh("tar -C " + X.string() + " -cf " + (Dir / "d25.tar").string() +
               " manifest.json index.json oci-layout blobs"),
            0);
  auto Back = openArchive((Dir / "d25.tar").string());
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 1u);
  EXPECT_EQ((*Back)[0].Img->digest(), Img->digest());
  EXPECT_THAT((*Back)[0].Names, ElementsAre("docker.io/library/busybox:latest"));
  EXPECT_EQ(readBlob(*(*Back)[0].Img, (*Back)[0].Img->layers()[0]), LayerGz);
}

TEST_F(ArchiveTest, HandWrittenDockerArchiveWithSymlinkedLayersAndLongNames) {
  // What older `docker save` wrote: a layer shared by path through a symlink, and GNU long names.
  std::string Long(120, 'l');
  fs::path A = Dir / "a";
  fs::create_directories(A / Long);
  fs::create_directories(A / "dup");
  spit(A / Long / "layer.tar", LayerTar);
  fs::create_symlink("../" + Long + "/layer.tar", A / "dup" / "layer.tar");
  spit(A / "cfg.json", Config);
  spit(A / "manifest.json", "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"one:1\"],\"Layers\":[\"dup/"
                            "layer.tar\"]},{\"Config\":\"cfg.json\",\"RepoTags\":null,"
                            "\"Layers\":[\"" +
                                Long + "/layer.tar\"]}]");
  ASSERT_EQ(sh("tar --format=gnu -C " + A.string() + " -cf " + (Dir / "hand.tar").string() +
               " manifest.json cfg.json dup " + Long),
            0);
  auto Back = openArchive((Dir / "hand.tar").string());
  ASSERT_TRUE(static_cast<bool>(Back)) << llvm::toString(Back.takeError());
  ASSERT_EQ(Back->size(), 2u);
  EXPECT_THAT((*Back)[0].Names, ElementsAre("docker.io/library/one:1"));
  EXPECT_TRUE((*Back)[1].Names.empty());
  for (auto &S : *Back)
    EXPECT_EQ(readBlob(*S.Img, S.Img->layers()[0]), LayerTar);
  auto ByIndex = openImageSpec("docker-archive:" + (Dir / "hand.tar").string() + ":@1", nullptr);
  ASSERT_TRUE(static_cast<bool>(ByIndex));
  auto ByName = openImageSpec("docker-archive:" + (Dir / "hand.tar").string() + ":one:1", nullptr);
  ASSERT_TRUE(static_cast<bool>(ByName)) << llvm::toString(ByName.takeError());
  auto Ambiguous = openImageSpec("docker-archive:" + (Dir / "hand.tar").string(), nullptr);
  EXPECT_EQ(llvm::toString(Ambiguous.takeError()),
            "docker-archive:" + (Dir / "hand.tar").string() +
                " holds 2 images; name one with docker-archive:" + (Dir / "hand.tar").string() +
                ":NAME or :@N");
}

TEST_F(ArchiveTest, StoreRootIsAnOciLayoutAddressedByFullName) {
  auto S = Store::open((Dir / "root").string());
  ASSERT_TRUE(static_cast<bool>(S));
  auto Sink = (*S)->sink();
  ASSERT_FALSE(static_cast<bool>(oci::copyImage(*Img, *Sink, "busybox")));
  auto ByLayout = openImageSpec(
      "oci:" + (Dir / "root").string() + ":docker.io/library/busybox:latest", nullptr);
  ASSERT_TRUE(static_cast<bool>(ByLayout)) << llvm::toString(ByLayout.takeError());
  EXPECT_EQ((*ByLayout)->digest(), Img->digest());
  auto ByName = openImageSpec("busybox", S->get());
  ASSERT_TRUE(static_cast<bool>(ByName));
  EXPECT_EQ((*ByName)->digest(), Img->digest());
  auto Missing = openImageSpec("nope", S->get());
  EXPECT_EQ(llvm::toString(Missing.takeError()), "No such image: nope");
  int Asked = 0;
  auto Remote = openImageSpec("docker://nope", S->get(), [&](llvm::StringRef R) {
    ++Asked;
    EXPECT_EQ(R, "nope");
    return llvm::Expected<std::unique_ptr<oci::Image>>(makeError("offline"));
  });
  EXPECT_EQ(llvm::toString(Remote.takeError()), "offline");
  EXPECT_EQ(Asked, 1);
}

TEST_F(ArchiveTest, AnAbandonedWriterLeavesNoFile) {
  std::string Out = (Dir / "never.tar").string();
  {
    auto W = ArchiveWriter::create(Out, ArchiveWriter::Format::Docker);
    ASSERT_TRUE(static_cast<bool>(W));
    ASSERT_FALSE(static_cast<bool>(oci::copyImage(*Img, **W, "x")));
  }
  EXPECT_FALSE(fs::exists(Out));
  for (auto &E : fs::directory_iterator(Dir))
    EXPECT_THAT(E.path().filename().string(), ::testing::Not(HasSubstr("never")));
}

TEST_F(ArchiveTest, NotAnArchiveIsAClearError) {
  spit(Dir / "junk", std::string(1024, 'j'));
  auto R = openArchive((Dir / "junk").string());
  EXPECT_EQ(llvm::toString(R.takeError()),
            (Dir / "junk").string() +
                ": bad tar header checksum at offset 0; the file is not a tar archive or is "
                "corrupt");
}
