//===- ManifestTest.cpp - Manifest, index and image config codecs ---------===//
#include "oci/Manifest.h"

#include <gtest/gtest.h>

#include "oci/MediaTypes.h"

using namespace ballast;
using namespace ballast::oci;

namespace {
// docker.io/library/alpine:3.18 for linux/amd64, as the registry serves it.
const char DockerManifest[] = R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 1472,
      "digest": "sha256:c1aabb73d2339c5ebaa3681de2e9d9c18d57485045a4e311d9f8004bec208d67"
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
         "size": 3397879,
         "digest": "sha256:31e352740f534f9ad170f75378a84fe453d6156e40700b882d737a8f4a6988a3"
      }
   ]
})";

const char OciManifest[] = R"({
  "schemaVersion": 2,
  "config": {
    "mediaType": "application/vnd.oci.image.config.v1+json",
    "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    "size": 2297
  },
  "layers": [
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
      "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
      "size": 29150000
    },
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
      "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333",
      "size": 1024,
      "annotations": {"io.github.containers.zstd-chunked.manifest-position": "1:2:3:4"},
      "urls": ["https://example.com/layer"]
    }
  ],
  "annotations": {
    "org.opencontainers.image.created": "2024-05-01T10:00:00Z",
    "org.opencontainers.image.source": "https://github.com/example/app"
  }
})";

// A Docker manifest list with a BuildKit attestation manifest, like docker.io/library/nginx.
const char ManifestList[] = R"({
  "manifests": [
    {"digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
     "platform": {"architecture": "amd64", "os": "linux"}, "size": 1778},
    {"digest": "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
     "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
     "platform": {"architecture": "arm", "os": "linux", "variant": "v6"}, "size": 1778},
    {"digest": "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
     "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
     "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}, "size": 1778},
    {"digest": "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
     "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
     "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}, "size": 1778},
    {"digest": "sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
     "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
     "platform": {"architecture": "s390x", "os": "linux"}, "size": 1778},
    {"digest": "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "mediaType": "application/vnd.oci.image.manifest.v1+json",
     "annotations": {
       "vnd.docker.reference.digest": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
       "vnd.docker.reference.type": "attestation-manifest"},
     "platform": {"architecture": "unknown", "os": "unknown"}, "size": 839}
  ],
  "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
  "schemaVersion": 2
})";

const char Config[] = R"({
  "architecture": "amd64",
  "config": {
    "User": "node",
    "ExposedPorts": {"8080/tcp": {}, "443/tcp": {}, "53/udp": {}},
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=20.11.0"],
    "Entrypoint": ["docker-entrypoint.sh"],
    "Cmd": ["node", "app.js"],
    "Volumes": {"/data": {}, "/cache": {}},
    "WorkingDir": "/app",
    "Labels": {"org.opencontainers.image.title": "app", "maintainer": "dev@example.com"},
    "StopSignal": "SIGTERM",
    "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                    "Interval": 30000000000, "Timeout": 5000000000, "StartPeriod": 10000000000,
                    "Retries": 3},
    "OnBuild": ["RUN echo child"],
    "Shell": ["/bin/bash", "-c"],
    "ArgsEscaped": true
  },
  "created": "2024-05-01T10:00:00.123456789Z",
  "history": [
    {"created": "2024-04-01T00:00:00Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
    {"created": "2024-04-01T00:00:01Z", "created_by": "/bin/sh -c #(nop)  CMD [\"sh\"]", "empty_layer": true},
    {"created": "2024-05-01T10:00:00Z", "created_by": "RUN /bin/sh -c npm ci # buildkit", "comment": "buildkit.dockerfile.v0", "author": "dev"}
  ],
  "os": "linux",
  "rootfs": {
    "type": "layers",
    "diff_ids": [
      "sha256:4444444444444444444444444444444444444444444444444444444444444444",
      "sha256:5555555555555555555555555555555555555555555555555555555555555555"
    ]
  }
})";

std::string err(llvm::Error E) { return llvm::toString(std::move(E)); }

template <typename T> std::string errorOf(llvm::Expected<T> V) {
  if (V)
    return "no error";
  return llvm::toString(V.takeError());
}

Platform plat(llvm::StringRef S) { return *Platform::parse(S); }
} // namespace

TEST(ManifestTest, DockerManifest) {
  auto M = Manifest::parse(DockerManifest);
  ASSERT_TRUE(bool(M)) << err(M.takeError());
  EXPECT_EQ(M->SchemaVersion, 2);
  EXPECT_EQ(M->MediaType, media::DockerManifest);
  EXPECT_EQ(M->Config.MediaType, media::DockerConfig);
  EXPECT_EQ(M->Config.Size, 1472);
  EXPECT_EQ(M->Config.Dig.hex(),
            "c1aabb73d2339c5ebaa3681de2e9d9c18d57485045a4e311d9f8004bec208d67");
  ASSERT_EQ(M->Layers.size(), 1u);
  EXPECT_EQ(M->Layers[0].Size, 3397879);
  EXPECT_EQ(media::layerCompression(M->Layers[0].MediaType), media::Compression::Gzip);
  // Canonical re-serialisation: sorted keys, no spaces.
  EXPECT_EQ(
      M->toJson(),
      R"({"config":{"digest":"sha256:c1aabb73d2339c5ebaa3681de2e9d9c18d57485045a4e311d9f8004bec208d67","mediaType":"application/vnd.docker.container.image.v1+json","size":1472},"layers":[{"digest":"sha256:31e352740f534f9ad170f75378a84fe453d6156e40700b882d737a8f4a6988a3","mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":3397879}],"mediaType":"application/vnd.docker.distribution.manifest.v2+json","schemaVersion":2})");
  EXPECT_EQ(sniffMediaType(DockerManifest), media::DockerManifest);
}

TEST(ManifestTest, OciManifestRoundTrip) {
  auto M = Manifest::parse(OciManifest);
  ASSERT_TRUE(bool(M)) << err(M.takeError());
  EXPECT_EQ(M->MediaType, "");
  ASSERT_EQ(M->Layers.size(), 2u);
  EXPECT_EQ(M->Layers[1].Annotations.at("io.github.containers.zstd-chunked.manifest-position"),
            "1:2:3:4");
  EXPECT_EQ(M->Layers[1].URLs, std::vector<std::string>{"https://example.com/layer"});
  EXPECT_EQ(M->Annotations.size(), 2u);
  EXPECT_EQ(sniffMediaType(OciManifest), media::OciManifest);
  auto Again = Manifest::parse(M->toJson());
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->toJson(), M->toJson());
  EXPECT_EQ(Again->Layers[1].Dig, M->Layers[1].Dig);
  EXPECT_EQ(Again->Layers[1].Annotations, M->Layers[1].Annotations);
  EXPECT_EQ(Again->Annotations, M->Annotations);
}

TEST(ManifestTest, ManifestErrors) {
  EXPECT_EQ(errorOf(Manifest::parse("{")), "manifest is not valid JSON");
  EXPECT_EQ(errorOf(Manifest::parse("[]")), "manifest is not a JSON object");
  EXPECT_EQ(errorOf(Manifest::parse(R"({"schemaVersion":1,"fsLayers":[]})")),
            "manifest schema version 1 is not supported (deprecated by Docker in 2019); re-push "
            "the image with a current client");
  EXPECT_EQ(errorOf(Manifest::parse(ManifestList)),
            "expected an image manifest, got an index "
            "(application/vnd.docker.distribution.manifest.list.v2+json)");
  EXPECT_EQ(errorOf(Manifest::parse(R"({"schemaVersion":2,"mediaType":"text/plain"})")),
            "unsupported manifest media type \"text/plain\"");
  EXPECT_EQ(errorOf(Manifest::parse(R"({"schemaVersion":2})")),
            "manifest has no config descriptor");
  EXPECT_EQ(errorOf(Manifest::parse(R"({"config":{"digest":"sha256:abc","size":1},"layers":[]})")),
            "manifest config: invalid digest \"sha256:abc\": sha256 needs 64 lower-case hex "
            "characters");
  std::string D = "sha256:" + std::string(64, '1');
  EXPECT_EQ(
      errorOf(Manifest::parse(R"({"config":{"digest":")" + D +
                              R"(","size":1},"layers":[{"digest":")" + D + R"(","size":-5}]})")),
      "manifest layer 0: descriptor " + D + " has no valid size");
  EXPECT_EQ(
      errorOf(Manifest::parse(R"({"config":{"digest":")" + D + R"(","size":1},"layers":{}})")),
      "manifest layers is not an array");
  EXPECT_EQ(errorOf(Manifest::parse(R"({"config":{"digest":")" + D + R"(","size":1.5}})")),
            "manifest config: descriptor " + D + " has no valid size");
}

TEST(ManifestTest, IndexParseAndRoundTrip) {
  auto X = Index::parse(ManifestList);
  ASSERT_TRUE(bool(X)) << err(X.takeError());
  EXPECT_EQ(X->MediaType, media::DockerManifestList);
  ASSERT_EQ(X->Manifests.size(), 6u);
  ASSERT_TRUE(X->Manifests[3].Plat);
  EXPECT_EQ(X->Manifests[3].Plat->Variant, "v8");
  EXPECT_EQ(sniffMediaType(ManifestList), media::DockerManifestList);
  EXPECT_EQ(sniffMediaType(R"({"manifests":[]})"), media::OciIndex);
  EXPECT_EQ(sniffMediaType("not json"), "");
  auto Again = Index::parse(X->toJson());
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->toJson(), X->toJson());
  EXPECT_EQ(Again->Manifests[5].Annotations.at("vnd.docker.reference.type"),
            "attestation-manifest");
  EXPECT_EQ(errorOf(Index::parse(DockerManifest)),
            "expected an index, got \"application/vnd.docker.distribution.manifest.v2+json\"");
  EXPECT_EQ(errorOf(Index::parse(R"({"schemaVersion":2})")), "index has no manifests array");
}

TEST(ManifestTest, IndexSelect) {
  auto X = Index::parse(ManifestList);
  ASSERT_TRUE(bool(X));
  auto Pick = [&](llvm::StringRef P) -> std::string {
    auto D = X->select(plat(P));
    if (!D)
      return llvm::toString(D.takeError());
    return D->Dig.hex().substr(0, 1);
  };
  EXPECT_EQ(Pick("linux/amd64"), "a");
  EXPECT_EQ(Pick("linux/arm/v6"), "b");
  EXPECT_EQ(Pick("linux/arm/v7"), "c");
  EXPECT_EQ(Pick("linux/arm"), "c");   // arm means arm/v7
  EXPECT_EQ(Pick("linux/arm64"), "d"); // arm64/v8 in the index, variant implied
  EXPECT_EQ(Pick("linux/arm64/v8"), "d");
  EXPECT_EQ(Pick("linux/s390x"), "e");
  // Attestation manifests are never selected nor listed.
  EXPECT_EQ(Pick("linux/riscv64"),
            "no image for platform linux/riscv64 in the index (it has: linux/amd64, "
            "linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/s390x); choose one with "
            "--platform");
  EXPECT_EQ(Pick("linux/arm/v5"),
            "no image for platform linux/arm/v5 in the index (it has: linux/amd64, "
            "linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/s390x); choose one with "
            "--platform");

  // An arm/v7 host falls back to an arm/v6 image; arm64 takes an image without a variant.
  Index Y;
  Descriptor V6 = X->Manifests[1];
  Y.Manifests = {V6};
  auto D = Y.select(plat("linux/arm/v7"));
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(D->Dig, V6.Dig);
  Descriptor Arm64 = X->Manifests[3];
  Arm64.Plat->Variant = "";
  Y.Manifests = {Arm64};
  D = Y.select(plat("linux/arm64/v8"));
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(D->Dig, Arm64.Dig);
  // An exact variant beats a compatible one listed first.
  Y.Manifests = {V6, X->Manifests[2]};
  D = Y.select(plat("linux/arm/v7"));
  ASSERT_TRUE(bool(D));
  EXPECT_EQ(D->Dig, X->Manifests[2].Dig);
  Y.Manifests = {};
  EXPECT_EQ(errorOf(Y.select(plat("linux/amd64"))),
            "no image for platform linux/amd64 in the index (it has: none); choose one with "
            "--platform");
}

TEST(ManifestTest, ImageConfig) {
  auto C = ImageConfig::parse(Config);
  ASSERT_TRUE(bool(C)) << err(C.takeError());
  EXPECT_EQ(C->Architecture, "amd64");
  EXPECT_EQ(C->OS, "linux");
  EXPECT_EQ(C->Created, "2024-05-01T10:00:00.123456789Z");
  EXPECT_EQ(C->platform().str(), "linux/amd64");
  const ContainerConfig &K = C->Config;
  EXPECT_EQ(K.User, "node");
  EXPECT_EQ(K.ExposedPorts, (std::vector<std::string>{"443/tcp", "53/udp", "8080/tcp"}));
  EXPECT_EQ(K.Env.size(), 2u);
  EXPECT_EQ(*K.Entrypoint, std::vector<std::string>{"docker-entrypoint.sh"});
  EXPECT_EQ(*K.Cmd, (std::vector<std::string>{"node", "app.js"}));
  EXPECT_EQ(K.Volumes, (std::vector<std::string>{"/cache", "/data"}));
  EXPECT_EQ(K.WorkingDir, "/app");
  EXPECT_EQ(K.Labels.at("maintainer"), "dev@example.com");
  EXPECT_EQ(K.StopSignal, "SIGTERM");
  ASSERT_TRUE(K.Healthcheck);
  EXPECT_EQ(K.Healthcheck->Test,
            (std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"}));
  EXPECT_EQ(K.Healthcheck->Interval, 30000000000);
  EXPECT_EQ(K.Healthcheck->Timeout, 5000000000);
  EXPECT_EQ(K.Healthcheck->StartPeriod, 10000000000);
  EXPECT_EQ(K.Healthcheck->Retries, 3);
  EXPECT_EQ(K.OnBuild, std::vector<std::string>{"RUN echo child"});
  EXPECT_EQ(*K.Shell, (std::vector<std::string>{"/bin/bash", "-c"}));
  EXPECT_TRUE(K.ArgsEscaped);
  ASSERT_EQ(C->DiffIDs.size(), 2u);
  EXPECT_EQ(C->DiffIDs[1].hex(), std::string(64, '5'));
  ASSERT_EQ(C->Hist.size(), 3u);
  EXPECT_FALSE(C->Hist[0].EmptyLayer);
  EXPECT_TRUE(C->Hist[1].EmptyLayer);
  EXPECT_EQ(C->Hist[2].Comment, "buildkit.dockerfile.v0");
  EXPECT_EQ(C->Hist[2].Author, "dev");

  // Round trip keeps every field.
  auto Again = ImageConfig::parse(C->toJson());
  ASSERT_TRUE(bool(Again));
  EXPECT_EQ(Again->toJson(), C->toJson());
  EXPECT_EQ(Again->Config.ExposedPorts, K.ExposedPorts);
  EXPECT_EQ(Again->Config.Volumes, K.Volumes);
  EXPECT_EQ(*Again->Config.Healthcheck, *K.Healthcheck);
  EXPECT_EQ(Again->Config.Labels, K.Labels);
  EXPECT_EQ(Again->DiffIDs, C->DiffIDs);
  EXPECT_EQ(Again->Hist.size(), 3u);
  EXPECT_TRUE(Again->Hist[1].EmptyLayer);
}

TEST(ManifestTest, ImageConfigToJsonIsCanonical) {
  ImageConfig C;
  C.Architecture = "arm64";
  C.Variant = "v8";
  C.Config.Cmd = std::vector<std::string>{"sh"};
  C.Config.Entrypoint = std::vector<std::string>{}; // `ENTRYPOINT []` stays an empty array
  C.Config.ExposedPorts = {"80/tcp"};
  C.DiffIDs = {Digest::sha256Of("")};
  C.Hist = {{"", "RUN x", "", "", true}};
  EXPECT_EQ(
      C.toJson(),
      R"({"architecture":"arm64","config":{"Cmd":["sh"],"Entrypoint":[],"ExposedPorts":{"80/tcp":{}}},"history":[{"created_by":"RUN x","empty_layer":true}],"os":"linux","rootfs":{"diff_ids":["sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],"type":"layers"},"variant":"v8"})");
  // Invalid UTF-8 (a label from a Latin-1 Dockerfile) becomes U+FFFD instead of throwing.
  ImageConfig L;
  L.Config.Labels["name"] = "caf\xe9";
  EXPECT_EQ(L.toJson(),
            "{\"architecture\":\"\",\"config\":{\"Labels\":{\"name\":\"caf\xef\xbf\xbd\"}},"
            "\"os\":\"linux\",\"rootfs\":{\"diff_ids\":[],\"type\":\"layers\"}}");
}

TEST(ManifestTest, ImageConfigErrorsAndOddShapes) {
  EXPECT_EQ(errorOf(ImageConfig::parse("")), "image config is not valid JSON");
  EXPECT_EQ(errorOf(ImageConfig::parse(R"({"rootfs":{"diff_ids":["sha256:zz"]}})")),
            "image config rootfs.diff_ids: invalid digest \"sha256:zz\": sha256 needs 64 "
            "lower-case hex characters");
  // Old configs carry Cmd as a bare string; null means unset.
  auto C = ImageConfig::parse(R"({"config":{"Cmd":"echo hi","Entrypoint":null}})");
  ASSERT_TRUE(bool(C));
  EXPECT_EQ(*C->Config.Cmd, std::vector<std::string>{"echo hi"});
  EXPECT_FALSE(C->Config.Entrypoint);
}
