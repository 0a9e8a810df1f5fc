//===- ImportTest.cpp - `docker import` semantics -------------------------===//
#include "store/Import.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/MediaTypes.h"

using namespace ballast;
using namespace ballast::store;
namespace fs = std::filesystem;
using ::testing::ElementsAre;

namespace {

std::string slurp(const fs::path &P) {
  std::ifstream In(P, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(In), {});
}

class ImportTest : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = fs::path(testing::TempDir()) / ("ballast-import-" + std::to_string(getpid()));
    fs::remove_all(Dir);
    fs::create_directories(Dir / "rootfs" / "bin");
    std::ofstream(Dir / "rootfs" / "bin" / "hello") << "#!/bin/sh\necho hi\n";
    ASSERT_EQ(
        std::system(("tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C " +
                     (Dir / "rootfs").string() + " -cf " + (Dir / "rootfs.tar").string() + " bin")
                        .c_str()),
        0);
    Tar = slurp(Dir / "rootfs.tar");
    auto S = Store::open((Dir / "store").string());
    ASSERT_TRUE(static_cast<bool>(S));
    St = std::move(*S);
  }
  void TearDown() override { fs::remove_all(Dir); }
  fs::path Dir;
  std::string Tar;
  std::unique_ptr<Store> St;
};

oci::ContainerConfig changed(const std::vector<std::string> &Lines) {
  oci::ContainerConfig C;
  llvm::Error E = applyChanges(C, Lines);
  EXPECT_FALSE(static_cast<bool>(E)) << llvm::toString(std::move(E));
  return C;
}

} // namespace

TEST(ApplyChanges, EveryDockerImportInstruction) {
  auto C = changed({"ENV PATH=/usr/bin:/bin HOME=/root", "ENV GREETING \"hello world\"",
                    "CMD [\"node\", \"app.js\"]", "ENTRYPOINT /init --verbose", "EXPOSE 80 53/udp",
                    "EXPOSE 80", "LABEL \"org.x\"=$HOME version=1", "USER 1000:1000",
                    "WORKDIR /app", "WORKDIR src", "VOLUME [\"/data\"]", "VOLUME /cache",
                    "STOPSIGNAL SIGINT", "ONBUILD RUN make"});
  EXPECT_THAT(C.Env, ElementsAre("PATH=/usr/bin:/bin", "HOME=/root", "GREETING=hello world"));
  EXPECT_THAT(*C.Cmd, ElementsAre("node", "app.js"));
  EXPECT_THAT(*C.Entrypoint, ElementsAre("/bin/sh", "-c", "/init --verbose"));
  EXPECT_THAT(C.ExposedPorts, ElementsAre("53/udp", "80/tcp"));
  EXPECT_EQ(C.Labels["org.x"], "/root");
  EXPECT_EQ(C.Labels["version"], "1");
  EXPECT_EQ(C.User, "1000:1000");
  EXPECT_EQ(C.WorkingDir, "/app/src");
  EXPECT_THAT(C.Volumes, ElementsAre("/cache", "/data"));
  EXPECT_EQ(C.StopSignal, "SIGINT");
  EXPECT_THAT(C.OnBuild, ElementsAre("RUN make"));
}

TEST(ApplyChanges, RejectsWhatDockerRejects) {
  oci::ContainerConfig C;
  EXPECT_EQ(llvm::toString(applyChanges(C, {"RUN rm -rf /"})),
            "--change \"RUN rm -rf /\": RUN is not a valid change command; use CMD, ENTRYPOINT, "
            "ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME or WORKDIR");
  EXPECT_EQ(llvm::toString(applyChanges(C, {"EXPOSE http"})),
            "--change \"EXPOSE http\": invalid port \"http/tcp\"; use PORT[/tcp|udp|sctp]");
}

TEST_F(ImportTest, OneGzipLayerWithTheTarAsDiffId) {
  auto Ref = oci::Reference::parse("busybox:imported");
  ASSERT_TRUE(static_cast<bool>(Ref));
  ImportOptions O;
  O.Changes = {"CMD [\"sh\"]"};
  O.Created = "2024-02-03T04:05:06.000000007Z";
  O.Plat = oci::Platform{"linux", "arm64", "v8", ""};
  auto Id = importRootfs(*St, stringReader(Tar), *Ref, O);
  ASSERT_TRUE(static_cast<bool>(Id)) << llvm::toString(Id.takeError());
  auto Img = St->image("busybox:imported");
  ASSERT_TRUE(static_cast<bool>(Img));
  EXPECT_EQ((*Img)->id(), *Id);
  EXPECT_EQ((*Img)->rawConfig(),
            "{\"architecture\":\"arm64\",\"comment\":\"Imported from -\",\"config\":{\"Cmd\":["
            "\"sh\"]},\"created\":\"2024-02-03T04:05:06.000000007Z\",\"history\":[{\"comment\":"
            "\"Imported from -\",\"created\":\"2024-02-03T04:05:06.000000007Z\"}],\"os\":\"linux\","
            "\"rootfs\":{\"diff_ids\":[\"" +
                oci::Digest::sha256Of(Tar).str() + "\"],\"type\":\"layers\"},\"variant\":\"v8\"}");
  ASSERT_EQ((*Img)->layers().size(), 1u);
  EXPECT_EQ((*Img)->layers()[0].MediaType, oci::media::OciLayerGzip);
  auto L = (*Img)->openBlob((*Img)->layers()[0]);
  ASSERT_TRUE(static_cast<bool>(L));
  auto Plain = oci::decompress(std::move(*L));
  ASSERT_TRUE(static_cast<bool>(Plain));
  EXPECT_EQ(*readAll(**Plain), Tar);
  auto List = St->list();
  ASSERT_TRUE(static_cast<bool>(List));
  ASSERT_EQ(List->size(), 1u);
  EXPECT_EQ((*List)[0].Size, int64_t(Tar.size()));
}

TEST_F(ImportTest, CompressedRootfsAndMessageAndNoTag) {
  auto Z = oci::compress(stringReader(Tar), oci::media::Compression::Zstd);
  ASSERT_TRUE(static_cast<bool>(Z));
  ImportOptions O;
  O.Message = "from ci";
  auto Id = importRootfs(*St, std::move(*Z), std::nullopt, O);
  ASSERT_TRUE(static_cast<bool>(Id)) << llvm::toString(Id.takeError());
  auto Img = St->image(Id->str());
  ASSERT_TRUE(static_cast<bool>(Img));
  EXPECT_EQ((*Img)->config().DiffIDs[0], oci::Digest::sha256Of(Tar));
  ASSERT_EQ((*Img)->config().Hist.size(), 1u);
  EXPECT_EQ((*Img)->config().Hist[0].Comment, "from ci");
  auto List = St->list();
  ASSERT_TRUE(static_cast<bool>(List));
  ASSERT_EQ(List->size(), 1u);
  EXPECT_FALSE((*List)[0].Ref); // kept as <none>:<none>, not garbage
}
