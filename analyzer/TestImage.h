//===- TestImage.h - Synthetic images for analyzer tests ---------*- C++ -*-===//
//
// Header-only helpers shared by analyzer/*Test.cpp, tests/ and bench/: tar layers written with
// libarchive in memory, compressed with oci::compress, wrapped in a manifest and config, served
// from a map (oci::BasicImage) or written out as an OCI image layout directory.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/Image.h"
#include "oci/MediaTypes.h"
#include "support/Errors.h"

namespace ballast::analyzer::testimage {

/// One tar entry: Type 'f' file, 'd' dir, 'l' symlink, 'h' hardlink; whiteouts are files.
struct TarEntry {
  std::string Path;
  char Type = 'f';
  std::string Data;
  unsigned Mode = 0;
  int64_t Uid = 0, Gid = 0;
  std::string Link;
};

/// Shorthands.
inline TarEntry file(std::string P, std::string Data, unsigned Mode = 0644) {
  return {std::move(P), 'f', std::move(Data), Mode, 0, 0, ""};
}
inline TarEntry dir(std::string P, unsigned Mode = 0755) {
  return {std::move(P), 'd', "", Mode, 0, 0, ""};
}
inline TarEntry symlink(std::string P, std::string Target) {
  return {std::move(P), 'l', "", 0777, 0, 0, std::move(Target)};
}
inline TarEntry hardlink(std::string P, std::string Target) {
  return {std::move(P), 'h', "", 0644, 0, 0, std::move(Target)};
}
inline TarEntry whiteout(std::string P) { return file(std::move(P), "", 0644); }

/// A pax tar of Entries, in order.
inline std::string makeTar(const std::vector<TarEntry> &Entries) {
  std::string Out;
  archive *A = archive_write_new();
  archive_write_set_format_pax_restricted(A);
  archive_write_set_bytes_in_last_block(A, 1);
  archive_write_open(
      A, &Out, nullptr,
      [](archive *, void *Self, const void *Buf, size_t N) -> la_ssize_t {
        static_cast<std::string *>(Self)->append(static_cast<const char *>(Buf), N);
        return static_cast<la_ssize_t>(N);
      },
      nullptr);
  for (const TarEntry &T : Entries) {
    archive_entry *E = archive_entry_new();
    archive_entry_set_pathname(E, T.Path.c_str());
    unsigned Type = T.Type == 'd' ? AE_IFDIR : T.Type == 'l' ? AE_IFLNK : AE_IFREG;
    archive_entry_set_filetype(E, Type);
    archive_entry_set_perm(E, T.Mode ? T.Mode : (T.Type == 'd' ? 0755 : 0644));
    archive_entry_set_uid(E, T.Uid);
    archive_entry_set_gid(E, T.Gid);
    archive_entry_set_mtime(E, 1700000000, 0);
    if (T.Type == 'l')
      archive_entry_set_symlink(E, T.Link.c_str());
    if (T.Type == 'h')
      archive_entry_set_hardlink(E, T.Link.c_str());
    archive_entry_set_size(E, T.Type == 'f' ? static_cast<la_int64_t>(T.Data.size()) : 0);
    archive_write_header(A, E);
    if (T.Type == 'f' && !T.Data.empty())
      archive_write_data(A, T.Data.data(), T.Data.size());
    archive_entry_free(E);
  }
  archive_write_close(A);
  archive_write_free(A);
  return Out;
}

/// A layer to put in an image.
struct Layer {
  std::vector<TarEntry> Entries;
  oci::media::Compression Comp = oci::media::Compression::Gzip;
  std::string CreatedBy;
};

/// An image in memory: manifest, config and blobs by digest string.
struct Built {
  std::string Manifest, Config;
  std::map<std::string, std::string> Blobs;
  std::vector<std::string> LayerDigests;
};

inline std::string drainAll(std::unique_ptr<Reader> R) {
  std::string Out;
  char Buf[65536];
  for (;;) {
    auto N = R->read(Buf, sizeof Buf);
    if (!N) {
      llvm::consumeError(N.takeError());
      return Out;
    }
    if (*N == 0)
      return Out;
    Out.append(Buf, *N);
  }
}

/// Builds manifest, config (history, diff_ids, User, Env) and blobs. Extra history entries with
/// empty_layer are given as EmptyHistory (created_by strings placed before the first layer).
inline Built build(const std::vector<Layer> &Layers, const std::string &User = "",
                   const std::vector<std::string> &Env = {},
                   const std::vector<std::string> &EmptyHistory = {}) {
  using Json = nlohmann::ordered_json;
  Built B;
  Json DiffIds = Json::array(), LayerDescs = Json::array(), Hist = Json::array();
  for (const std::string &H : EmptyHistory)
    Hist.push_back({{"created_by", H}, {"empty_layer", true}});
  for (const Layer &L : Layers) {
    std::string Tar = makeTar(L.Entries);
    DiffIds.push_back(oci::Digest::sha256Of(Tar).str());
    std::string Blob = Tar;
    std::string MT = oci::media::OciLayer;
    if (L.Comp != oci::media::Compression::None) {
      auto C = oci::compress(stringReader(Tar), L.Comp);
      Blob = C ? drainAll(std::move(*C)) : "";
      if (!C)
        llvm::consumeError(C.takeError());
      MT = L.Comp == oci::media::Compression::Gzip ? oci::media::OciLayerGzip
                                                   : oci::media::OciLayerZstd;
    }
    std::string D = oci::Digest::sha256Of(Blob).str();
    B.LayerDigests.push_back(D);
    LayerDescs.push_back({{"mediaType", MT}, {"digest", D}, {"size", Blob.size()}});
    B.Blobs[D] = std::move(Blob);
    Hist.push_back({{"created", "2024-01-01T00:00:00Z"}, {"created_by", L.CreatedBy}});
  }
  Json Cfg = {{"architecture", "amd64"}, {"os", "linux"}};
  Json C = Json::object();
  if (!User.empty())
    C["User"] = User;
  C["Env"] = Env;
  Cfg["config"] = C;
  Cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", DiffIds}};
  Cfg["history"] = Hist;
  B.Config = Cfg.dump();
  std::string CD = oci::Digest::sha256Of(B.Config).str();
  B.Blobs[CD] = B.Config;
  Json M = {
      {"schemaVersion", 2},
      {"mediaType", oci::media::OciManifest},
      {"config", {{"mediaType", oci::media::OciConfig}, {"digest", CD}, {"size", B.Config.size()}}},
      {"layers", LayerDescs}};
  B.Manifest = M.dump();
  return B;
}

/// The image served from memory.
inline std::unique_ptr<oci::Image> toImage(const Built &B) {
  auto Blobs = std::make_shared<std::map<std::string, std::string>>(B.Blobs);
  auto Img = oci::BasicImage::create(
      B.Manifest, B.Config,
      [Blobs](const oci::Descriptor &D) -> llvm::Expected<std::unique_ptr<Reader>> {
        auto It = Blobs->find(D.Dig.str());
        if (It == Blobs->end())
          return makeError("blob " + D.Dig.str() + " not found");
        return stringReader(It->second);
      },
      oci::media::OciManifest);
  if (!Img) {
    llvm::consumeError(Img.takeError());
    return nullptr;
  }
  return std::move(*Img);
}

/// Writes B as an OCI image layout at Dir, tagged Tag.
inline void writeLayout(const Built &B, const std::filesystem::path &Dir, const std::string &Tag) {
  namespace fs = std::filesystem;
  fs::create_directories(Dir / "blobs" / "sha256");
  for (const auto &[D, Bytes] : B.Blobs)
    std::ofstream(Dir / "blobs" / "sha256" / D.substr(7), std::ios::binary) << Bytes;
  std::string MD = oci::Digest::sha256Of(B.Manifest).str();
  std::ofstream(Dir / "blobs" / "sha256" / MD.substr(7), std::ios::binary) << B.Manifest;
  std::ofstream(Dir / "oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
  nlohmann::ordered_json Idx = {
      {"schemaVersion", 2},
      {"manifests",
       {{{"mediaType", oci::media::OciManifest},
         {"digest", MD},
         {"size", B.Manifest.size()},
         {"annotations", {{"org.opencontainers.image.ref.name", Tag}}}}}}};
  std::ofstream(Dir / "index.json") << Idx.dump();
}

/// The analyzer's reference image (three layers, every way of hiding bytes, caches, secrets);
/// its figures are worked out by hand in AnalyzerTest.cpp and docs/analyze.md.
inline std::string bytes(size_t N, char C) { return std::string(N, C); }

/// A PEM-looking private key padded to exactly 100 bytes.
inline std::string privateKey() {
  std::string K = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  std::string End = "-----END OPENSSH PRIVATE KEY-----\n";
  return K + std::string(100 - K.size() - End.size() - 1, 'k') + "\n" + End;
}

inline std::vector<Layer> scenario() {
  Layer L0;
  L0.CreatedBy = "/bin/sh -c #(nop) ADD file:0123 in / ";
  L0.Entries = {dir("etc/"),
                file("etc/passwd", bytes(100, 'p')),
                dir("app/"),
                file("app/big.bin", bytes(1000, 'b')),
                file("app/keep.txt", bytes(50, 'k')),
                dir("data/"),
                file("data/x", bytes(300, 'x')),
                file("data/y", bytes(200, 'y')),
                dir("opq/"),
                file("opq/old1", bytes(400, 'o')),
                file("opq/old2", bytes(100, 'O')),
                file("typ", bytes(70, 't')),
                dir("hl/"),
                file("hl/orig", bytes(500, 'h')),
                hardlink("hl/link", "hl/orig"),
                dir("mv/"),
                file("mv/src", bytes(600, 'm')),
                file("perm.sh", bytes(250, 's'), 0644),
                dir("usr/"),
                dir("usr/bin/"),
                file("usr/bin/su", bytes(10, 'u'), 04755),
                file("tmpfile", bytes(5, 'w'), 0666),
                dir("tmp/", 01777)};
  Layer L1;
  L1.CreatedBy = "RUN /bin/sh -c make stuff # buildkit";
  L1.Comp = oci::media::Compression::Zstd;
  L1.Entries = {file("app/big.bin", bytes(1200, 'B')),
                whiteout("etc/.wh.passwd"),
                whiteout(".wh.data"),
                dir("opq/"),
                whiteout("opq/.wh..wh..opq"),
                file("opq/new", bytes(30, 'n')),
                dir("typ/"),
                file("typ/inner", bytes(10, 'i')),
                whiteout("hl/.wh.orig"),
                whiteout("mv/.wh.src"),
                file("mv/dst", bytes(600, 'm')),
                file("perm.sh", bytes(250, 's'), 0755),
                file("dup/a", bytes(5000, 'D')),
                file("dup/b", bytes(5000, 'D')),
                file("var/lib/apt/lists/deb_Packages", bytes(2000, 'a')),
                file("root/.cache/pip/http/x", bytes(800, 'q')),
                file("app/.env", bytes(20, 'e')),
                file("root/.ssh/id_rsa", privateKey(), 0600),
                file("app/.git/config", bytes(40, 'g'))};
  Layer L2;
  L2.CreatedBy = "RUN /bin/sh -c rm -f /root/.ssh/id_rsa # buildkit";
  L2.Comp = oci::media::Compression::None;
  L2.Entries = {file("dup/c", bytes(5000, 'D')), whiteout("root/.ssh/.wh.id_rsa")};
  return {L0, L1, L2};
}

} // namespace ballast::analyzer::testimage
