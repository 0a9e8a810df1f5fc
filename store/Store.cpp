//===- Store.cpp - The local content-addressed image store ----------------===//
//
// Crash-safety: a blob is written to `.ballast/tmp`, hashed while written, fsynced, verified and
// only then renamed into `blobs/sha256/` (and the folder fsynced), so a name under blobs/ always
// holds the bytes its name promises. index.json is replaced atomically under the writer lock and
// only after every blob it names is present. The lookup table is keyed by content digests, so it
// can be incomplete after a crash but never wrong.
//
//===----------------------------------------------------------------------===//
#include "store/Store.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/Compression.h"
#include "oci/MediaTypes.h"
#include "support/AtomicFile.h"
#include "support/Errors.h"
#include "support/UniqueFd.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace ballast::store {

using nlohmann::json;

namespace {

constexpr const char RefNameKey[] = "org.opencontainers.image.ref.name";

std::string errnoText() { return std::strerror(errno); }

llvm::Error mkdirs(const std::string &P) {
  if (std::error_code EC = llvm::sys::fs::create_directories(P))
    return makeError("cannot create " + P + ": " + EC.message());
  return llvm::Error::success();
}

void fsyncDir(const std::string &Dir) {
  int Fd = ::open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (Fd >= 0) {
    ::fsync(Fd);
    ::close(Fd);
  }
}

llvm::Error writeAll(int Fd, const char *D, size_t N) {
  while (N > 0) {
    ssize_t W = ::write(Fd, D, N);
    if (W < 0) {
      if (errno == EINTR)
        continue;
      return makeError("write failed: " + errnoText());
    }
    D += W;
    N -= static_cast<size_t>(W);
  }
  return llvm::Error::success();
}

std::vector<std::string> listDir(const std::string &Dir) {
  std::vector<std::string> Out;
  DIR *D = ::opendir(Dir.c_str());
  if (!D)
    return Out;
  while (struct dirent *E = ::readdir(D)) {
    std::string N = E->d_name;
    if (N != "." && N != "..")
      Out.push_back(N);
  }
  ::closedir(D);
  std::sort(Out.begin(), Out.end());
  return Out;
}

bool isHex(llvm::StringRef S) {
  return !S.empty() &&
         llvm::all_of(S, [](char C) { return llvm::isDigit(C) || (C >= 'a' && C <= 'f'); });
}

int64_t fileSize(const std::string &P) {
  struct stat St;
  return ::stat(P.c_str(), &St) == 0 ? St.st_size : -1;
}

/// A ref.name annotation as a Reference (none for names other tools wrote that do not parse).
std::optional<oci::Reference> parseRefName(llvm::StringRef Name) {
  if (Name.empty())
    return std::nullopt;
  auto R = oci::Reference::parse(Name, /*DefaultTag=*/false);
  if (!R) {
    llvm::consumeError(R.takeError());
    return std::nullopt;
  }
  return *R;
}

} // namespace

// --- the lookup table ---------------------------------------------------------------------

/// `.ballast/lookup.json`: facts derived from immutable content, keyed by digest, so that
/// `images` never reads or decompresses a blob twice.
struct Store::Table {
  struct Meta {
    std::string Id, Created, MediaType;
    int64_t Size = 0, Compressed = 0;
  };
  std::map<std::string, Meta> Images;    ///< manifest (or index) digest -> facts
  std::map<std::string, int64_t> Layers; ///< layer blob digest -> uncompressed size
};

struct Store::Entry {
  oci::Descriptor D;
  std::string Name; ///< ref.name annotation ("" when untagged)
};

Store::Table Store::loadTable() const {
  Table T;
  auto Text = readFileOrStdin(Root + "/.ballast/lookup.json");
  if (!Text) {
    llvm::consumeError(Text.takeError());
    return T;
  }
  json J = json::parse(Text->begin(), Text->end(), nullptr, /*allow_exceptions=*/false);
  if (!J.is_object())
    return T;
  try {
    if (auto It = J.find("images"); It != J.end() && It->is_object())
      for (auto &[K, V] : It->items()) {
        if (!V.is_object())
          continue;
        Table::Meta M;
        M.Id = V.value("id", "");
        M.Created = V.value("created", "");
        M.MediaType = V.value("mediaType", "");
        M.Size = V.value("size", int64_t(0));
        M.Compressed = V.value("compressed", int64_t(0));
        if (!M.Id.empty())
          T.Images[K] = M;
      }
    if (auto It = J.find("layers"); It != J.end() && It->is_object())
      for (auto &[K, V] : It->items())
        if (V.is_number_integer())
          T.Layers[K] = V.get<int64_t>();
  } catch (const json::exception &) {
    return Table(); // a damaged cache is rebuilt from content
  }
  return T;
}

llvm::Error Store::saveTable(const Table &Add) const {
  // Caller holds the writer lock; merge with what is on disk so concurrent additions survive.
  Table T = loadTable();
  for (auto &[K, V] : Add.Images)
    T.Images[K] = V;
  for (auto &[K, V] : Add.Layers)
    T.Layers[K] = V;
  json J = {{"version", 1}, {"images", json::object()}, {"layers", json::object()}};
  for (auto &[K, M] : T.Images)
    J["images"][K] = {{"id", M.Id},
                      {"created", M.Created},
                      {"mediaType", M.MediaType},
                      {"size", M.Size},
                      {"compressed", M.Compressed}};
  for (auto &[K, V] : T.Layers)
    J["layers"][K] = V;
  return writeFileAtomically(Root + "/.ballast/lookup.json", J.dump(1) + "\n");
}

// --- locks ---------------------------------------------------------------------------------

WriteLock::~WriteLock() {
  if (Fd >= 0)
    ::close(Fd); // closing the descriptor releases the flock
}

llvm::Expected<WriteLock> Store::flockFile(llvm::StringRef Name, int Op) const {
  std::string P = Root + "/.ballast/" + Name.str();
  int Fd = ::open(P.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (Fd < 0)
    return makeError("cannot open the store lock " + P + ": " + errnoText());
  while (::flock(Fd, Op) != 0) {
    if (errno == EINTR)
      continue;
    std::string E = errnoText();
    ::close(Fd);
    return makeError("cannot lock " + P + ": " + E);
  }
  return WriteLock(Fd);
}

llvm::Expected<WriteLock> Store::lock() const { return flockFile("lock", LOCK_EX); }
llvm::Expected<WriteLock> Store::pin() const { return flockFile("gc.lock", LOCK_SH); }

// --- opening -------------------------------------------------------------------------------

std::string Store::defaultRoot(const std::optional<std::string> &Flag) {
  if (Flag && !Flag->empty())
    return *Flag;
  if (const char *R = std::getenv("BALLAST_ROOT"); R && *R)
    return R;
  if (const char *X = std::getenv("XDG_DATA_HOME"); X && *X)
    return std::string(X) + "/ballast";
  const char *H = std::getenv("HOME");
  return std::string(H && *H ? H : "/root") + "/.local/share/ballast";
}

Store::~Store() = default;

llvm::Expected<std::unique_ptr<Store>> Store::open(llvm::StringRef RootArg) {
  llvm::SmallString<256> Abs(RootArg);
  if (std::error_code EC = llvm::sys::fs::make_absolute(Abs))
    return makeError("cannot resolve the store path " + RootArg + ": " + EC.message());
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  std::string R = Abs.str().str();
  if (llvm::sys::fs::exists(R) && !llvm::sys::fs::is_directory(R))
    return makeError("store root " + R + " is not a directory; pass --root DIR");
  // Never scatter a layout into a folder that holds something else.
  if (llvm::sys::fs::is_directory(R) && !llvm::sys::fs::exists(R + "/oci-layout") &&
      !llvm::sys::fs::exists(R + "/index.json")) {
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(R, EC), End; It != End && !EC; It.increment(EC)) {
      llvm::StringRef N = llvm::sys::path::filename(It->path());
      // What a concurrent first open may have made already (its atomic-write temp files too,
      // and the layout files themselves when they appeared after the checks above).
      if (N != "blobs" && N != ".ballast" && N != "oci-layout" && N != "index.json" &&
          !N.startswith(".oci-layout.") && !N.startswith(".index.json."))
        return makeError("store root " + R +
                         " is a folder that is not an image store (no oci-layout); pass an "
                         "empty or new folder with --root");
    }
  }
  for (const char *Sub : {"/blobs/sha256", "/.ballast/tmp", "/.ballast/ingest"})
    if (auto E = mkdirs(R + Sub))
      return E;
  auto S = std::unique_ptr<Store>(new Store(R));
  bool HaveLayout = llvm::sys::fs::exists(R + "/oci-layout");
  bool HaveIndex = llvm::sys::fs::exists(R + "/index.json");
  if (!HaveLayout || !HaveIndex) {
    auto L = S->lock();
    if (!L)
      return L.takeError();
    if (!llvm::sys::fs::exists(R + "/oci-layout"))
      if (auto E = writeFileAtomically(R + "/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"))
        return E;
    if (!llvm::sys::fs::exists(R + "/index.json")) {
      oci::Index Empty;
      Empty.MediaType = oci::media::OciIndex;
      if (auto E = S->writeIndex(Empty))
        return E;
    }
    fsyncDir(R);
  }
  return S;
}

// --- blobs ---------------------------------------------------------------------------------

std::string Store::blobPath(const oci::Digest &D) const {
  return Root + "/blobs/" + D.algorithm() + "/" + D.hex();
}

bool Store::hasBlob(const oci::Digest &D) const {
  return !D.empty() && ::access(blobPath(D).c_str(), F_OK) == 0;
}

llvm::Expected<std::unique_ptr<Reader>> Store::openBlob(const oci::Digest &D) const {
  auto R = openFileReader(blobPath(D));
  if (!R) {
    llvm::consumeError(R.takeError());
    return makeError("blob " + D.str() + " is not in the store " + Root +
                     "; pull or load the image again");
  }
  return oci::verifyingReader(std::move(*R), D);
}

llvm::Expected<std::string> Store::readBlob(const oci::Digest &D) const {
  auto R = openBlob(D);
  if (!R)
    return R.takeError();
  return readAll(**R);
}

std::string Store::ingestPath(const oci::Digest &D) const {
  return Root + "/.ballast/ingest/" + D.hex();
}

namespace {
/// A temp file in `.ballast/tmp` that is removed unless committed.
struct TempBlob {
  std::string Path;
  int Fd = -1;
  ~TempBlob() {
    if (Fd >= 0)
      ::close(Fd);
    if (!Path.empty())
      ::unlink(Path.c_str());
  }
};

llvm::Error makeTemp(const std::string &Root, llvm::StringRef Stem, TempBlob &T) {
  std::string P = Root + "/.ballast/tmp/" + Stem.str() + "-XXXXXX";
  int Fd = ::mkstemp(P.data());
  if (Fd < 0)
    return makeError("cannot create a temporary file in " + Root + "/.ballast/tmp: " + errnoText());
  T.Path = P;
  T.Fd = Fd;
  return llvm::Error::success();
}

/// Streams R into Fd while hashing it into H; After(bytes so far) runs after every chunk and
/// stops the copy with its error. Returns the number of bytes written.
llvm::Expected<int64_t> spoolHashed(Reader &R, int Fd, Sha256 &H,
                                    llvm::function_ref<llvm::Error(int64_t)> After) {
  int64_t Done = 0;
  std::vector<char> Buf(1 << 20);
  for (;;) {
    auto N = R.read(Buf.data(), Buf.size());
    if (!N)
      return N.takeError();
    if (*N == 0)
      return Done;
    H.update(Buf.data(), *N);
    if (auto E = writeAll(Fd, Buf.data(), *N))
      return E;
    Done += static_cast<int64_t>(*N);
    if (auto E = After(Done))
      return E;
  }
}

/// Makes the complete, verified file From (open as Fd, which is closed in every case) read-only,
/// fsyncs it and renames it to Dest; with SyncDir also fsyncs Dest's folder.
llvm::Error publishBlob(UniqueFd Fd, const std::string &From, const std::string &Dest,
                        bool SyncDir) {
  if (::fchmod(Fd.F, 0444) != 0 || ::fsync(Fd.F) != 0)
    return makeError("cannot sync " + From + ": " + errnoText());
  Fd.reset();
  if (::rename(From.c_str(), Dest.c_str()) != 0)
    return makeError("cannot move a blob into " + Dest + ": " + errnoText());
  if (SyncDir)
    fsyncDir(llvm::sys::path::parent_path(Dest).str());
  return llvm::Error::success();
}

/// publishBlob for a TempBlob: on success the temp file is no longer T's to remove.
llvm::Error commitTemp(TempBlob &T, const std::string &Dest) {
  llvm::Error E = publishBlob(UniqueFd(T.Fd), T.Path, Dest, /*SyncDir=*/true);
  T.Fd = -1;
  if (E)
    return E;
  T.Path.clear();
  return llvm::Error::success();
}
} // namespace

llvm::Error Store::putBlob(const oci::Digest &Want, int64_t Size, Reader &R,
                           const std::function<void(int64_t)> &Progress) {
  if (Want.algorithm() != "sha256")
    return makeError("cannot store blob " + Want.str() + ": only sha256 digests are supported");
  if (hasBlob(Want)) {
    if (Progress)
      Progress(Size >= 0 ? Size : fileSize(blobPath(Want)));
    return llvm::Error::success();
  }
  TempBlob T;
  if (auto E = makeTemp(Root, Want.hex(), T))
    return E;
  Sha256 H;
  auto Spooled = spoolHashed(R, T.Fd, H, [&](int64_t Done) -> llvm::Error {
    if (Size >= 0 && Done > Size)
      return makeError("blob " + Want.str() + " is larger than its descriptor says (" +
                       llvm::Twine(Size) + " bytes); the source is corrupt");
    if (Progress)
      Progress(Done);
    return llvm::Error::success();
  });
  if (!Spooled)
    return Spooled.takeError();
  int64_t Done = *Spooled;
  if (Size >= 0 && Done != Size)
    return makeError("blob " + Want.str() + " has " + llvm::Twine(Done) + " bytes, expected " +
                     llvm::Twine(Size) + "; the source is truncated or corrupt");
  std::string Got = H.finishHex();
  if (Got != Want.hex())
    return makeError("blob " + Want.str() + " does not match its digest (got sha256:" + Got +
                     "); the source is corrupt");
  return commitTemp(T, blobPath(Want));
}

llvm::Expected<std::pair<oci::Digest, int64_t>> Store::putBlobUnknown(Reader &R) {
  TempBlob T;
  if (auto E = makeTemp(Root, "new", T))
    return E;
  Sha256 H;
  auto Spooled =
      spoolHashed(R, T.Fd, H, [](int64_t) -> llvm::Error { return llvm::Error::success(); });
  if (!Spooled)
    return Spooled.takeError();
  int64_t Done = *Spooled;
  oci::Digest D = oci::Digest::fromSha256Hex(H.finishHex());
  if (hasBlob(D))
    return std::make_pair(D, Done); // T is removed by its destructor
  if (auto E = commitTemp(T, blobPath(D)))
    return E;
  return std::make_pair(D, Done);
}

llvm::Error Store::recordBuild(const oci::Digest &Id, llvm::StringRef DockerfilePath,
                               llvm::StringRef DockerfileSha256) {
  std::string Dir = Root + "/.ballast/built";
  if (auto EC = llvm::sys::fs::create_directories(Dir))
    return makeError(Dir + ": " + EC.message());
  nlohmann::json J = {{"dockerfile", DockerfilePath.str()}, {"sha256", DockerfileSha256.str()}};
  return writeFileAtomically(Dir + "/" + Id.hex() + ".json", J.dump() + "\n");
}

std::optional<std::pair<std::string, std::string>> Store::builtFrom(const oci::Digest &Id) const {
  auto Text = readFileOrStdin(Root + "/.ballast/built/" + Id.hex() + ".json");
  if (!Text) {
    llvm::consumeError(Text.takeError());
    return std::nullopt;
  }
  nlohmann::json J = nlohmann::json::parse(*Text, nullptr, /*allow_exceptions=*/false);
  if (!J.is_object() || !J.contains("dockerfile") || !J["dockerfile"].is_string() ||
      !J.contains("sha256") || !J["sha256"].is_string())
    return std::nullopt;
  return std::make_pair(J["dockerfile"].get<std::string>(), J["sha256"].get<std::string>());
}

llvm::Error Store::adoptIngest(const oci::Digest &D, int64_t Size) {
  std::string P = ingestPath(D);
  if (hasBlob(D)) { // another process adopted the same blob first
    ::unlink(P.c_str());
    return llvm::Error::success();
  }
  // The caller holds lockIngest(D), so nobody appends to P while it is verified and renamed:
  // the verified bytes are the bytes that become visible, and they are written only once.
  UniqueFd Fd(::open(P.c_str(), O_RDONLY | O_CLOEXEC));
  if (!Fd)
    return makeError(P + ": " + errnoText());
  auto Discard = [&](const llvm::Twine &Why) {
    Fd.reset();
    ::unlink(P.c_str());
    return makeError("downloaded blob is corrupt and was discarded: " + Why);
  };
  Sha256 H;
  int64_t N = 0;
  constexpr size_t BufSize = 1 << 20;
  std::unique_ptr<char[]> Buf(new char[BufSize]);
  for (;;) {
    ssize_t Got = ::read(Fd.F, Buf.get(), BufSize);
    if (Got < 0)
      return makeError(P + ": " + errnoText());
    if (Got == 0)
      break;
    H.update(Buf.get(), static_cast<size_t>(Got));
    N += Got;
  }
  if (Size >= 0 && N != Size)
    return Discard("blob " + D.str() + " has " + llvm::Twine(N) + " bytes, not " +
                   llvm::Twine(Size));
  std::string Hex = H.finishHex();
  if (Hex != D.hex())
    return Discard("blob digest mismatch: expected " + D.str() + ", got sha256:" + Hex);
  return publishBlob(std::move(Fd), P, blobPath(D), /*SyncDir=*/true);
}

llvm::Error Store::adoptVerifiedIngest(const oci::Digest &D, int64_t Size) {
  std::string P = ingestPath(D);
  if (hasBlob(D)) { // another process adopted the same blob first
    ::unlink(P.c_str());
    return llvm::Error::success();
  }
  UniqueFd Fd(::open(P.c_str(), O_RDONLY | O_CLOEXEC));
  if (!Fd)
    return makeError(P + ": " + errnoText());
  struct stat St;
  if (::fstat(Fd.F, &St) != 0 || (Size >= 0 && St.st_size != Size)) {
    Fd.reset();
    ::unlink(P.c_str());
    return makeError("downloaded blob " + D.str() + " is not " + llvm::Twine(Size) +
                     " bytes and was discarded; pull again");
  }
  // The folder is synced once per pull by syncBlobs().
  return publishBlob(std::move(Fd), P, blobPath(D), /*SyncDir=*/false);
}

void Store::syncBlobs() const { fsyncDir(Root + "/blobs/sha256"); }

llvm::Expected<WriteLock> Store::lockIngest(const oci::Digest &D) const {
  std::string Dir = Root + "/.ballast/ingest";
  if (auto EC = llvm::sys::fs::create_directories(Dir))
    return makeError(Dir + ": " + EC.message());
  std::string P = Dir + "/" + D.hex() + ".lock";
  int Fd = ::open(P.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (Fd < 0)
    return makeError(P + ": " + errnoText());
  while (::flock(Fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      std::string Msg = "cannot lock " + P + ": " + errnoText();
      ::close(Fd);
      return makeError(Msg);
    }
  }
  return WriteLock(Fd);
}

// --- index ---------------------------------------------------------------------------------

llvm::Expected<oci::Index> Store::readIndex() const {
  auto Text = readFileOrStdin(Root + "/index.json");
  if (!Text)
    return makeError("cannot read " + Root + "/index.json; is --root an image store?");
  auto I = oci::Index::parse(*Text);
  if (!I)
    return makeError(Root + "/index.json: " + llvm::toString(I.takeError()));
  return I;
}

llvm::Error Store::writeIndex(const oci::Index &Idx) const {
  oci::Index Out = Idx;
  if (Out.MediaType.empty())
    Out.MediaType = oci::media::OciIndex;
  if (auto E = writeFileAtomically(Root + "/index.json", Out.toJson()))
    return E;
  fsyncDir(Root);
  return llvm::Error::success();
}

llvm::Expected<std::vector<Store::Entry>> Store::entries() const {
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  std::vector<Entry> Out;
  for (auto &D : Idx->Manifests) {
    auto It = D.Annotations.find(RefNameKey);
    Out.push_back({D, It == D.Annotations.end() ? std::string() : It->second});
  }
  return Out;
}

llvm::Expected<oci::Descriptor> Store::platformManifest(const oci::Descriptor &D) const {
  if (!oci::media::isIndex(D.MediaType))
    return D;
  auto Raw = readBlob(D.Dig);
  if (!Raw)
    return Raw.takeError();
  auto I = oci::Index::parse(*Raw);
  if (!I)
    return I.takeError();
  auto M = I->select(oci::Platform::host());
  if (!M)
    return M.takeError();
  return platformManifest(*M);
}

llvm::Expected<int64_t> Store::layerSize(const oci::Descriptor &L) const {
  Table T = loadTable();
  if (auto It = T.Layers.find(L.Dig.str()); It != T.Layers.end())
    return It->second;
  // Measuring needs no second hash of the blob: it was verified as it was stored, and fsck
  // is what re-verifies stored blobs.
  auto R = openFileReader(blobPath(L.Dig));
  if (!R)
    return R.takeError();
  auto C = oci::media::layerCompression(L.MediaType);
  auto U = C == oci::media::Compression::Unknown ? oci::decompress(std::move(*R))
                                                 : oci::decompress(std::move(*R), C);
  if (!U)
    return U.takeError();
  int64_t N = 0;
  std::vector<char> Buf(1 << 20);
  for (;;) {
    auto K = (*U)->read(Buf.data(), Buf.size());
    if (!K)
      return K.takeError();
    if (*K == 0)
      break;
    N += static_cast<int64_t>(*K);
  }
  return N;
}

llvm::Error Store::noteLayerSize(const oci::Digest &Layer, int64_t Uncompressed) {
  auto L = lock();
  if (!L)
    return L.takeError();
  Table T;
  T.Layers[Layer.str()] = Uncompressed;
  return saveTable(T);
}

llvm::Expected<ImageRecord> Store::record(const oci::Descriptor &D, Table &T, bool &Dirty) const {
  ImageRecord Rec;
  Rec.ManifestDigest = D.Dig;
  Rec.MediaType = D.MediaType;
  if (auto It = T.Images.find(D.Dig.str()); It != T.Images.end()) {
    auto Id = oci::Digest::parse(It->second.Id);
    if (Id) {
      Rec.Id = *Id;
      Rec.Created = It->second.Created;
      Rec.Size = It->second.Size;
      Rec.CompressedSize = It->second.Compressed;
      return Rec;
    }
    llvm::consumeError(Id.takeError());
  }
  auto MD = platformManifest(D);
  if (!MD)
    return MD.takeError();
  auto Raw = readBlob(MD->Dig);
  if (!Raw)
    return Raw.takeError();
  auto M = oci::Manifest::parse(*Raw);
  if (!M)
    return makeError("manifest " + MD->Dig.str() + ": " + llvm::toString(M.takeError()));
  auto RawC = readBlob(M->Config.Dig);
  if (!RawC)
    return RawC.takeError();
  auto C = oci::ImageConfig::parse(*RawC);
  if (!C)
    return C.takeError();
  Rec.Id = M->Config.Dig;
  Rec.Created = C->Created;
  Rec.CompressedSize = M->Config.Size;
  for (auto &L : M->Layers) {
    Rec.CompressedSize += L.Size;
    int64_t U;
    if (auto It = T.Layers.find(L.Dig.str()); It != T.Layers.end()) {
      U = It->second;
    } else {
      auto N = layerSize(L);
      if (!N)
        return N.takeError();
      U = *N;
      T.Layers[L.Dig.str()] = U;
    }
    Rec.Size += U;
  }
  T.Images[D.Dig.str()] = {Rec.Id.str(), Rec.Created, Rec.MediaType, Rec.Size, Rec.CompressedSize};
  Dirty = true;
  return Rec;
}

llvm::Expected<std::vector<ImageRecord>> Store::list() const {
  auto Es = entries();
  if (!Es)
    return Es.takeError();
  Table T = loadTable();
  bool Dirty = false;
  std::vector<ImageRecord> Tagged, Untagged;
  for (auto &E : *Es) {
    auto R = record(E.D, T, Dirty);
    if (!R) { // unreadable (blobs missing or corrupt): fsck reports it, listing goes on
      llvm::consumeError(R.takeError());
      continue;
    }
    R->Ref = parseRefName(E.Name);
    (R->Ref ? Tagged : Untagged).push_back(std::move(*R));
  }
  if (Dirty) {
    // Images written by other tools (skopeo, umoci) are measured once and remembered.
    if (auto L = lock()) {
      if (auto E = saveTable(T))
        llvm::consumeError(std::move(E));
    } else {
      llvm::consumeError(L.takeError());
    }
  }
  for (auto &R : Untagged)
    Tagged.push_back(std::move(R));
  return Tagged;
}

llvm::Expected<ImageRecord> Store::resolve(llvm::StringRef S) const {
  auto Es = entries();
  if (!Es)
    return Es.takeError();
  Table T = loadTable();
  bool Dirty = false;
  std::vector<std::pair<const Entry *, ImageRecord>> Recs;
  for (auto &E : *Es) {
    auto R = record(E.D, T, Dirty);
    if (!R) {
      llvm::consumeError(R.takeError());
      continue;
    }
    R->Ref = parseRefName(E.Name);
    Recs.push_back({&E, std::move(*R)});
  }
  auto NoSuch = [&] { return makeError("No such image: " + S); };
  llvm::StringRef Hex = S;
  bool Prefixed = Hex.consume_front("sha256:");
  // A full digest: an image ID or a manifest digest.
  if (Hex.size() == 64 && isHex(Hex)) {
    for (auto &[E, R] : Recs)
      if (R.Id.hex() == Hex)
        return R;
    for (auto &[E, R] : Recs)
      if (R.ManifestDigest.hex() == Hex) {
        ImageRecord Out = R;
        return Out;
      }
    return NoSuch();
  }
  if (!Prefixed) {
    if (auto Ref = oci::Reference::parse(S)) {
      if (Ref->digest()) {
        for (auto &[E, R] : Recs)
          if (R.ManifestDigest == *Ref->digest() && R.Ref &&
              R.Ref->repository() == Ref->repository()) {
            ImageRecord Out = R;
            Out.Ref = *Ref;
            return Out;
          }
        for (auto &[E, R] : Recs)
          if (R.ManifestDigest == *Ref->digest()) {
            ImageRecord Out = R;
            Out.Ref = *Ref;
            return Out;
          }
      } else {
        for (auto &[E, R] : Recs)
          if (R.Ref && *R.Ref == *Ref)
            return R;
      }
    } else {
      llvm::consumeError(Ref.takeError());
    }
  }
  // An image ID prefix (at least 4 hex characters), like Docker's truncated IDs.
  if (Hex.size() >= 4 && isHex(Hex)) {
    const ImageRecord *Found = nullptr;
    for (auto &[E, R] : Recs)
      if (llvm::StringRef(R.Id.hex()).startswith(Hex)) {
        if (Found && Found->Id != R.Id)
          return makeError("image ID prefix " + S +
                           " is ambiguous; give more characters of the ID");
        if (!Found || (!Found->Ref && R.Ref))
          Found = &R;
      }
    if (Found)
      return *Found;
  }
  return NoSuch();
}

llvm::Expected<std::unique_ptr<oci::Image>> Store::image(llvm::StringRef NameOrId) const {
  auto Rec = resolve(NameOrId);
  if (!Rec)
    return Rec.takeError();
  oci::Descriptor D;
  D.Dig = Rec->ManifestDigest;
  D.MediaType = Rec->MediaType;
  auto MD = platformManifest(D);
  if (!MD)
    return MD.takeError();
  auto Raw = readBlob(MD->Dig);
  if (!Raw)
    return Raw.takeError();
  auto M = oci::Manifest::parse(*Raw);
  if (!M)
    return M.takeError();
  auto RawC = readBlob(M->Config.Dig);
  if (!RawC)
    return RawC.takeError();
  std::string Root = this->Root;
  auto Img = oci::BasicImage::create(
      std::move(*Raw), std::move(*RawC),
      [Root](const oci::Descriptor &L) -> llvm::Expected<std::unique_ptr<Reader>> {
        std::string P = Root + "/blobs/" + L.Dig.algorithm() + "/" + L.Dig.hex();
        auto R = openFileReader(P);
        if (!R) {
          llvm::consumeError(R.takeError());
          return makeError("blob " + L.Dig.str() + " is not in the store " + Root +
                           "; run 'ballast fsck'");
        }
        return R;
      },
      MD->MediaType.empty() ? std::string() : MD->MediaType);
  if (!Img)
    return Img.takeError();
  return std::unique_ptr<oci::Image>(std::move(*Img));
}

// --- tags ----------------------------------------------------------------------------------

llvm::Error Store::tag(const oci::Reference &Ref, const oci::Digest &Manifest,
                       llvm::StringRef MediaType, int64_t Size) {
  return tag(llvm::ArrayRef<oci::Reference>(Ref), Manifest, MediaType, Size);
}

llvm::Error Store::tag(llvm::ArrayRef<oci::Reference> Refs, const oci::Digest &Manifest,
                       llvm::StringRef MediaType, int64_t Size) {
  if (Refs.empty())
    return llvm::Error::success();
  if (!hasBlob(Manifest))
    return makeError("cannot tag " + Refs.front().familiar() + ": manifest " + Manifest.str() +
                     " is not in the store");
  oci::Descriptor D;
  D.Dig = Manifest;
  D.MediaType = MediaType.str();
  if (D.MediaType.empty()) {
    auto Raw = readBlob(Manifest);
    if (!Raw)
      return Raw.takeError();
    D.MediaType = oci::sniffMediaType(*Raw);
  }
  D.Size = Size >= 0 ? Size : fileSize(blobPath(Manifest));
  // Measure (decompress) before taking the lock, so writers are not held up.
  Table T = loadTable();
  bool Dirty = false;
  auto Rec = record(D, T, Dirty);
  if (!Rec)
    return Rec.takeError();
  auto L = lock();
  if (!L)
    return L.takeError();
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  for (const oci::Reference &Ref : Refs) {
    std::string Name = Ref.str();
    std::optional<oci::Descriptor> Old;
    std::vector<oci::Descriptor> Kept;
    for (auto &E : Idx->Manifests) {
      auto It = E.Annotations.find(RefNameKey);
      bool Named = It != E.Annotations.end();
      if (Named && It->second == Name) {
        Old = E;
        continue;
      }
      if (!Named && E.Dig == Manifest)
        continue; // the dangling entry of this manifest becomes the tagged one
      Kept.push_back(E);
    }
    oci::Descriptor Tagged = D;
    Tagged.Annotations[RefNameKey] = Name;
    Kept.push_back(Tagged);
    if (Old && Old->Dig != Manifest &&
        llvm::none_of(Kept, [&](const oci::Descriptor &E) { return E.Dig == Old->Dig; })) {
      // Like Docker: the image that lost its last name stays as <none>:<none>.
      Old->Annotations.erase(RefNameKey);
      Kept.push_back(*Old);
    }
    Idx->Manifests = std::move(Kept);
  }
  if (Dirty)
    if (auto E = saveTable(T))
      return E;
  return writeIndex(*Idx);
}

llvm::Error Store::untag(const oci::Reference &Ref) {
  auto L = lock();
  if (!L)
    return L.takeError();
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  std::string Name = Ref.str();
  size_t Before = Idx->Manifests.size();
  llvm::erase_if(Idx->Manifests, [&](const oci::Descriptor &E) {
    auto It = E.Annotations.find(RefNameKey);
    return It != E.Annotations.end() && It->second == Name;
  });
  if (Idx->Manifests.size() == Before)
    return makeError("No such image: " + Ref.familiar());
  return writeIndex(*Idx);
}

// --- reachability, gc, rmi -----------------------------------------------------------------

llvm::Error Store::reachable(const oci::Descriptor &D, std::vector<oci::Digest> &Out) const {
  Out.push_back(D.Dig);
  auto Raw = readBlob(D.Dig);
  if (!Raw)
    return Raw.takeError();
  std::string MT = D.MediaType.empty() ? oci::sniffMediaType(*Raw) : D.MediaType;
  if (oci::media::isIndex(MT)) {
    auto I = oci::Index::parse(*Raw);
    if (!I)
      return I.takeError();
    for (auto &C : I->Manifests) {
      if (oci::media::isIndex(C.MediaType) || oci::media::isManifest(C.MediaType)) {
        if (hasBlob(C.Dig))
          if (auto E = reachable(C, Out))
            return E;
      } else {
        Out.push_back(C.Dig);
      }
    }
    return llvm::Error::success();
  }
  auto M = oci::Manifest::parse(*Raw);
  if (!M)
    return M.takeError();
  Out.push_back(M->Config.Dig);
  for (auto &L : M->Layers)
    Out.push_back(L.Dig);
  return llvm::Error::success();
}

llvm::Expected<std::vector<oci::Digest>> Store::layersOf(const oci::Descriptor &D) const {
  auto MD = platformManifest(D);
  if (!MD)
    return MD.takeError();
  auto Raw = readBlob(MD->Dig);
  if (!Raw)
    return Raw.takeError();
  auto M = oci::Manifest::parse(*Raw);
  if (!M)
    return makeError("manifest " + MD->Dig.str() + ": " + llvm::toString(M.takeError()));
  std::vector<oci::Digest> Out;
  for (auto &L : M->Layers)
    Out.push_back(L.Dig);
  return Out;
}

llvm::Expected<PruneReport> Store::collect(bool DryRun, std::optional<PruneScope> Drop) {
  auto Pin = flockFile("gc.lock", LOCK_EX); // waits for every sink in flight
  if (!Pin)
    return Pin.takeError();
  auto L = lock();
  if (!L)
    return L.takeError();
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  oci::Index Kept = *Idx;
  if (Drop) {
    // Layer chains of every entry, to spot parents (kept unless the scope is AllUntagged).
    std::vector<std::vector<oci::Digest>> Chains;
    if (*Drop == PruneScope::Dangling)
      for (auto &E : Idx->Manifests) {
        auto C = layersOf(E);
        if (!C)
          return makeError("cannot prune: " + llvm::toString(C.takeError()) +
                           "; run 'ballast fsck' first");
        Chains.push_back(std::move(*C));
      }
    std::vector<oci::Descriptor> Left;
    for (size_t I = 0; I < Idx->Manifests.size(); ++I) {
      const oci::Descriptor &E = Idx->Manifests[I];
      bool Keep = E.Annotations.count(RefNameKey) != 0;
      for (size_t J = 0; !Keep && J < Chains.size(); ++J)
        Keep = J != I && Chains[I].size() < Chains[J].size() &&
               std::equal(Chains[I].begin(), Chains[I].end(), Chains[J].begin());
      if (Keep)
        Left.push_back(E);
    }
    Kept.Manifests = std::move(Left);
  }
  std::set<std::string> Live;
  for (auto &E : Kept.Manifests) {
    std::vector<oci::Digest> R;
    if (auto Err = reachable(E, R))
      return makeError("cannot collect garbage: " + llvm::toString(std::move(Err)) +
                       "; run 'ballast fsck' first");
    for (auto &D : R)
      Live.insert(D.hex());
  }
  PruneReport Rep;
  std::string Dir = Root + "/blobs/sha256";
  for (auto &N : listDir(Dir)) {
    if (Live.count(N))
      continue;
    int64_t Sz = fileSize(Dir + "/" + N);
    Rep.Removed.push_back({oci::Digest::fromSha256Hex(N), Sz});
    Rep.Bytes += Sz;
  }
  if (DryRun)
    return Rep;
  if (Kept.Manifests.size() != Idx->Manifests.size())
    if (auto E = writeIndex(Kept))
      return E;
  for (auto &[D, Sz] : Rep.Removed)
    if (::unlink((Dir + "/" + D.hex()).c_str()) != 0 && errno != ENOENT)
      return makeError("cannot remove " + Dir + "/" + D.hex() + ": " + errnoText());
  fsyncDir(Dir);
  // No writer session is in flight (we hold gc.lock exclusively), so temp files left in
  // .ballast/tmp are from processes that died; resumable downloads in ingest/ stay.
  for (auto &N : listDir(Root + "/.ballast/tmp"))
    ::unlink((Root + "/.ballast/tmp/" + N).c_str());
  return Rep;
}

llvm::Expected<PruneReport> Store::gc(bool DryRun) { return collect(DryRun, std::nullopt); }
llvm::Expected<PruneReport> Store::prune(bool DryRun, PruneScope Scope) {
  return collect(DryRun, Scope);
}

llvm::Expected<RemoveReport> Store::remove(llvm::StringRef NameOrId, bool Force) {
  auto Rec = resolve(NameOrId);
  if (!Rec)
    return Rec.takeError();
  auto Pin = flockFile("gc.lock", LOCK_EX);
  if (!Pin)
    return Pin.takeError();
  auto L = lock();
  if (!L)
    return L.takeError();
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  RemoveReport Rep;
  // By name: remove that name only. By ID or digest: every name of the image.
  bool ByName = false;
  if (Rec->Ref) {
    auto Ref = oci::Reference::parse(NameOrId);
    if (Ref)
      ByName = !Ref->digest() && *Ref == *Rec->Ref;
    else
      llvm::consumeError(Ref.takeError());
  }
  auto NameOf = [](const oci::Descriptor &E) {
    auto It = E.Annotations.find(RefNameKey);
    return It == E.Annotations.end() ? std::string() : It->second;
  };
  std::vector<oci::Descriptor> Mine;
  for (auto &E : Idx->Manifests)
    if (E.Dig == Rec->ManifestDigest)
      Mine.push_back(E);
  size_t Names = llvm::count_if(Mine, [&](auto &E) { return !NameOf(E).empty(); });
  if (ByName) {
    std::string Want = Rec->Ref->str();
    llvm::erase_if(Idx->Manifests, [&](auto &E) { return NameOf(E) == Want; });
    Rep.Untagged.push_back(Rec->Ref->familiar());
    if (Names > 1) {
      if (auto E = writeIndex(*Idx))
        return E;
      return Rep;
    }
  } else {
    if (Names > 1 && !Force)
      return makeError("conflict: unable to delete " + Rec->Id.shortHex() +
                       " (must be forced) - image is referenced in multiple repositories");
    for (auto &E : Mine)
      if (auto P = parseRefName(NameOf(E)))
        Rep.Untagged.push_back(P->familiar());
  }
  llvm::erase_if(Idx->Manifests, [&](auto &E) { return E.Dig == Rec->ManifestDigest; });
  // Blobs of this image that no remaining entry reaches go.
  std::set<std::string> Live;
  for (auto &E : Idx->Manifests) {
    std::vector<oci::Digest> R;
    if (auto Err = reachable(E, R)) {
      llvm::consumeError(std::move(Err));
      continue;
    }
    for (auto &D : R)
      Live.insert(D.str());
  }
  oci::Descriptor Self;
  Self.Dig = Rec->ManifestDigest;
  Self.MediaType = Rec->MediaType;
  std::vector<oci::Digest> Gone;
  if (auto Err = reachable(Self, Gone))
    llvm::consumeError(std::move(Err));
  if (auto E = writeIndex(*Idx))
    return E;
  // The image ID first, as Docker prints it.
  std::stable_partition(Gone.begin(), Gone.end(),
                        [&](const oci::Digest &D) { return D == Rec->Id; });
  std::set<std::string> Seen;
  for (auto &D : Gone) {
    if (Live.count(D.str()) || !Seen.insert(D.str()).second)
      continue;
    if (::unlink(blobPath(D).c_str()) == 0)
      Rep.Deleted.push_back(D);
  }
  fsyncDir(Root + "/blobs/sha256");
  return Rep;
}

// --- fsck ----------------------------------------------------------------------------------

llvm::Expected<FsckReport> Store::fsck(bool Repair) {
  auto Pin = flockFile("gc.lock", LOCK_EX);
  if (!Pin)
    return Pin.takeError();
  auto L = lock();
  if (!L)
    return L.takeError();
  FsckReport Rep;
  std::string Dir = Root + "/blobs/sha256";
  std::set<std::string> Good;
  for (auto &N : listDir(Dir)) {
    std::string P = Dir + "/" + N;
    if (N.size() != 64 || !isHex(N)) {
      Rep.Corrupt.push_back(P);
      continue;
    }
    ++Rep.BlobsChecked;
    auto R = openFileReader(P);
    bool Ok = false;
    if (R) {
      Sha256 H;
      std::vector<char> Buf(1 << 20);
      Ok = true;
      for (;;) {
        auto K = (*R)->read(Buf.data(), Buf.size());
        if (!K) {
          llvm::consumeError(K.takeError());
          Ok = false;
          break;
        }
        if (*K == 0)
          break;
        H.update(Buf.data(), *K);
      }
      Ok = Ok && H.finishHex() == N;
    } else {
      llvm::consumeError(R.takeError());
    }
    if (Ok)
      Good.insert(N);
    else
      Rep.Corrupt.push_back(P);
  }
  // Everything an index entry reaches must be present and intact.
  auto Idx = readIndex();
  if (!Idx)
    return Idx.takeError();
  std::set<std::string> Live;
  for (auto &E : Idx->Manifests) {
    std::vector<oci::Digest> R;
    if (!Good.count(E.Dig.hex())) {
      Rep.Missing.push_back(E.Dig.str());
      continue;
    }
    if (auto Err = reachable(E, R)) {
      llvm::consumeError(std::move(Err));
      Rep.Corrupt.push_back(blobPath(E.Dig));
      continue;
    }
    for (auto &D : R) {
      Live.insert(D.hex());
      if (!Good.count(D.hex()) && llvm::find(Rep.Missing, D.str()) == Rep.Missing.end())
        Rep.Missing.push_back(D.str());
    }
  }
  for (auto &N : Good)
    if (!Live.count(N))
      Rep.Dangling.push_back(Dir + "/" + N);
  for (const char *Sub : {"/.ballast/tmp", "/.ballast/ingest"})
    for (auto &N : listDir(Root + Sub))
      if (!llvm::StringRef(N).endswith(".lock")) // per-blob pull locks, empty files
        Rep.Dangling.push_back(Root + Sub + "/" + N);
  if (Repair) {
    for (auto *List : {&Rep.Corrupt, &Rep.Dangling})
      for (auto &P : *List)
        if (::unlink(P.c_str()) != 0 && errno != ENOENT)
          return makeError("cannot remove " + P + ": " + errnoText());
    fsyncDir(Dir);
  }
  return Rep;
}

// --- the sink ------------------------------------------------------------------------------

namespace {
class StoreSink : public oci::ImageSink {
public:
  StoreSink(Store &S) : S(S) {
    auto P = S.pin();
    if (P)
      Pin.emplace(std::move(*P));
    else
      PinErr = llvm::toString(P.takeError());
  }
  llvm::Expected<bool> hasBlob(const oci::Descriptor &D) override {
    if (!Pin)
      return makeError(PinErr);
    return S.hasBlob(D.Dig);
  }
  llvm::Error putBlob(const oci::Descriptor &D, Reader &R,
                      const std::function<void(int64_t)> &Progress) override {
    if (!Pin)
      return makeError(PinErr);
    return S.putBlob(D.Dig, D.Size, R, Progress);
  }
  llvm::Error putManifest(llvm::StringRef Raw, llvm::StringRef MediaType,
                          llvm::StringRef Tag) override {
    if (!Pin)
      return makeError(PinErr);
    oci::Digest D = oci::Digest::sha256Of(Raw);
    std::string MT = MediaType.empty() ? oci::sniffMediaType(Raw) : MediaType.str();
    // Every blob the manifest names must be here before the manifest can be named.
    if (oci::media::isIndex(MT)) {
      auto I = oci::Index::parse(Raw);
      if (!I)
        return I.takeError();
      for (auto &C : I->Manifests)
        if (!S.hasBlob(C.Dig))
          return makeError("cannot store index " + D.str() + ": manifest " + C.Dig.str() +
                           " it lists is missing; copy the manifests first");
    } else {
      auto M = oci::Manifest::parse(Raw);
      if (!M)
        return M.takeError();
      if (!S.hasBlob(M->Config.Dig))
        return makeError("cannot store manifest " + D.str() + ": config " + M->Config.Dig.str() +
                         " is missing");
      for (auto &L : M->Layers)
        if (!S.hasBlob(L.Dig))
          return makeError("cannot store manifest " + D.str() + ": layer " + L.Dig.str() +
                           " is missing");
    }
    auto R = stringReader(Raw.str());
    if (auto E = S.putBlob(D, static_cast<int64_t>(Raw.size()), *R))
      return E;
    if (Tag.empty())
      return keepUntagged(D, MT, static_cast<int64_t>(Raw.size()));
    auto Ref = oci::Reference::parse(Tag);
    if (!Ref)
      return Ref.takeError();
    return S.tag(*Ref, D, MT, static_cast<int64_t>(Raw.size()));
  }

private:
  /// An image stored without a name still needs an index entry, or gc would take it.
  llvm::Error keepUntagged(const oci::Digest &D, llvm::StringRef MT, int64_t Size) {
    auto L = S.lock();
    if (!L)
      return L.takeError();
    auto Text = readFileOrStdin(S.root() + "/index.json");
    if (!Text)
      return Text.takeError();
    auto Idx = oci::Index::parse(*Text);
    if (!Idx)
      return Idx.takeError();
    if (llvm::any_of(Idx->Manifests, [&](const oci::Descriptor &E) { return E.Dig == D; }))
      return llvm::Error::success();
    oci::Descriptor E;
    E.Dig = D;
    E.MediaType = MT.str();
    E.Size = Size;
    Idx->Manifests.push_back(E);
    if (Idx->MediaType.empty())
      Idx->MediaType = oci::media::OciIndex;
    if (auto Err = writeFileAtomically(S.root() + "/index.json", Idx->toJson()))
      return Err;
    fsyncDir(S.root());
    return llvm::Error::success();
  }
  Store &S;
  std::optional<WriteLock> Pin;
  std::string PinErr;
};
} // namespace

std::unique_ptr<oci::ImageSink> Store::sink() { return std::make_unique<StoreSink>(*this); }

} // namespace ballast::store
