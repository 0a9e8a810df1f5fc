//===- Layer.cpp - One layer streamed into a compact entry list -----------===//
#include "analyzer/Layer.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "oci/Compression.h"
#include "oci/LayerReader.h"
#include "support/Errors.h"
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ballast::analyzer {

llvm::StringRef entryKindName(EntryKind K) {
  switch (K) {
  case EntryKind::File: return "file";
  case EntryKind::Dir: return "dir";
  case EntryKind::Symlink: return "symlink";
  case EntryKind::Hardlink: return "hardlink";
  case EntryKind::CharDev: return "char";
  case EntryKind::BlockDev: return "block";
  case EntryKind::Fifo: return "fifo";
  case EntryKind::Other: return "other";
  case EntryKind::Whiteout: return "whiteout";
  case EntryKind::Opaque: return "opaque";
  }
  return "other";
}

std::string ContentHash::hex() const {
  static const char Digits[] = "0123456789abcdef";
  std::string S(32, '0');
  for (int I = 0; I < 16; ++I) {
    S[I] = Digits[(High >> (60 - 4 * I)) & 15];
    S[16 + I] = Digits[(Low >> (60 - 4 * I)) & 15];
  }
  return S;
}

bool classifyWhiteout(LayerEntry &E) {
  llvm::StringRef P = E.Path;
  size_t Slash = P.rfind('/');
  llvm::StringRef Dir = Slash == llvm::StringRef::npos ? "" : P.substr(0, Slash);
  llvm::StringRef Base = Slash == llvm::StringRef::npos ? P : P.substr(Slash + 1);
  if (!Base.startswith(".wh."))
    return true;
  if (Base == ".wh..wh..opq") {
    E.Kind = EntryKind::Opaque;
    E.Path = Dir.str();
  } else if (Base.startswith(".wh..wh.")) {
    return false; // aufs hard-link metadata (.wh..wh.plnk, .wh..wh.aufs): not content
  } else if (Base == ".wh.") {
    return false; // a whiteout that names no file: nothing to hide (not the folder itself)
  } else {
    E.Kind = EntryKind::Whiteout;
    E.Path = Dir.empty() ? Base.substr(4).str() : (Dir + "/" + Base.substr(4)).str();
  }
  E.Size = 0;
  E.Hash = {};
  return true;
}

static EntryKind kindOf(oci::EntryType T) {
  switch (T) {
  case oci::EntryType::File: return EntryKind::File;
  case oci::EntryType::Dir: return EntryKind::Dir;
  case oci::EntryType::Symlink: return EntryKind::Symlink;
  case oci::EntryType::Hardlink: return EntryKind::Hardlink;
  case oci::EntryType::CharDev: return EntryKind::CharDev;
  case oci::EntryType::BlockDev: return EntryKind::BlockDev;
  case oci::EntryType::Fifo: return EntryKind::Fifo;
  case oci::EntryType::Other: return EntryKind::Other;
  }
  return EntryKind::Other;
}

namespace {

/// Forwards to a reader owned elsewhere, counting bytes (the tar size).
class CountingRef : public Reader {
public:
  explicit CountingRef(Reader &In, uint64_t &Count) : In(In), Count(Count) {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    auto N = In.read(Buf, Len);
    if (N)
      Count += *N;
    return N;
  }

private:
  Reader &In;
  uint64_t &Count;
};

constexpr size_t BufSize = 256 << 10;
constexpr size_t KeySniff = 4096;

bool looksLikePrivateKey(const char *P, size_t N) {
  static const char Needle[] = "PRIVATE KEY-----";
  if (N < sizeof Needle - 1)
    return false;
  return memmem(P, N, Needle, sizeof Needle - 1) != nullptr &&
         memmem(P, N, "-----BEGIN ", 11) != nullptr;
}

llvm::Error scanEntries(Reader &Tar, LayerScan &Out, llvm::StringRef Where) {
  oci::LayerReader LR(std::make_unique<CountingRef>(Tar, Out.TarBytes));
  std::unique_ptr<char[]> Buf(new char[BufSize]);
  XXH3_state_t State;
  for (;;) {
    auto Next = LR.next();
    if (!Next)
      return makeError(Where + ": " + llvm::toString(Next.takeError()));
    const oci::TarEntry *T = *Next;
    if (!T)
      return llvm::Error::success();
    if (T->Path.empty())
      continue; // the root directory itself
    LayerEntry E;
    E.Path = T->Path;
    E.Kind = kindOf(T->Type);
    E.Mode = T->Mode;
    E.Uid = T->Uid;
    E.Gid = T->Gid;
    if (E.Kind == EntryKind::Symlink || E.Kind == EntryKind::Hardlink)
      E.LinkTarget = T->LinkTarget;
    if (E.Kind == EntryKind::File) {
      E.Size = T->Size;
      XXH3_128bits_reset(&State);
      size_t Seen = 0;
      for (;;) {
        auto N = LR.readData(Buf.get(), BufSize);
        if (!N)
          return makeError(Where + ": " + llvm::toString(N.takeError()));
        if (*N == 0)
          break;
        if (Seen == 0 && E.Size <= (64 << 10))
          E.PrivateKey = looksLikePrivateKey(Buf.get(), std::min(*N, KeySniff));
        Seen += *N;
        XXH3_128bits_update(&State, Buf.get(), *N);
      }
      if (static_cast<int64_t>(Seen) != E.Size)
        return makeError(Where + ": " + E.Path + ": truncated entry (" + llvm::Twine(Seen) +
                         " of " + llvm::Twine(E.Size) +
                         " bytes); the layer blob is damaged, pull it again");
      XXH128_hash_t H = XXH3_128bits_digest(&State);
      E.Hash = {H.high64, H.low64};
    }
    if (!classifyWhiteout(E))
      continue;
    Out.Entries.push_back(std::move(E));
  }
}

/// Reads R to its end (tar padding after the end-of-archive marker still counts for diff_id).
llvm::Error drain(Reader &R, uint64_t &Count) {
  std::unique_ptr<char[]> Buf(new char[64 << 10]);
  for (;;) {
    auto N = R.read(Buf.get(), 64 << 10);
    if (!N)
      return N.takeError();
    if (*N == 0)
      return llvm::Error::success();
    Count += *N;
  }
}

} // namespace

llvm::Expected<LayerScan> scanTar(std::unique_ptr<Reader> Tar, llvm::StringRef Where) {
  LayerScan Out;
  if (auto E = scanEntries(*Tar, Out, Where))
    return E;
  if (auto E = drain(*Tar, Out.TarBytes))
    return makeError(Where + ": " + llvm::toString(std::move(E)));
  return Out;
}

llvm::Expected<LayerScan> scanLayer(const oci::Image &Img, size_t Index, const ScanOptions &Opts) {
  const oci::Descriptor &D = Img.layers()[Index];
  std::string Where = "layer " + std::to_string(Index) + " (" + D.Dig.str() + ")";
  auto Blob = Img.openBlob(D);
  if (!Blob)
    return makeError(Where + ": " + llvm::toString(Blob.takeError()));
  auto Tar = oci::decompress(std::move(*Blob));
  if (!Tar)
    return makeError(Where + ": " + llvm::toString(Tar.takeError()));
  LayerScan Out;
  std::unique_ptr<oci::HashingReader> Hashing;
  Reader *Src = Tar->get();
  if (Opts.VerifyDiffIds) {
    Hashing = std::make_unique<oci::HashingReader>(std::move(*Tar));
    Src = Hashing.get();
  }
  // Damage inside the stream: say what to do about it.
  static const char Hint[] =
      "; the layer blob is damaged or not a tar layer: pull or build the image again";
  if (auto E = scanEntries(*Src, Out, Where))
    return makeError(llvm::toString(std::move(E)) + Hint);
  if (auto E = drain(*Src, Out.TarBytes))
    return makeError(Where + ": " + llvm::toString(std::move(E)) + Hint);
  if (Hashing) {
    Out.DiffId = Hashing->digest().str();
    const auto &Ids = Img.config().DiffIDs;
    if (Index >= Ids.size())
      return makeError(Where + ": the config lists " + llvm::Twine(Ids.size()) + " diff_ids for " +
                       llvm::Twine(Img.layers().size()) +
                       " layers; the image is malformed, rebuild or re-pull it");
    if (Ids[Index].str() != Out.DiffId)
      return makeError(Where + ": uncompressed content is " + Out.DiffId + " but the config says " +
                       Ids[Index].str() +
                       "; the layer does not match the image config, re-pull it (or pass "
                       "--no-verify to analyze it anyway)");
  }
  return Out;
}

llvm::Expected<std::vector<LayerScan>> scanImage(const oci::Image &Img, const ScanOptions &Opts) {
  size_t N = Img.layers().size();
  std::vector<std::optional<llvm::Expected<LayerScan>>> Results(N);
  std::atomic<size_t> Next{0};
  auto Work = [&] {
    for (size_t I; (I = Next++) < N;)
      Results[I].emplace(scanLayer(Img, I, Opts));
  };
  unsigned Jobs = Opts.Jobs ? Opts.Jobs : std::max(1u, std::thread::hardware_concurrency());
  Jobs = std::min<unsigned>(Jobs, std::max<size_t>(N, 1));
  std::vector<std::thread> Threads;
  for (unsigned I = 1; I < Jobs; ++I)
    Threads.emplace_back(Work);
  Work();
  for (auto &T : Threads)
    T.join();
  std::vector<LayerScan> Out;
  Out.reserve(N);
  for (size_t I = 0; I < N; ++I) {
    if (*Results[I]) {
      Out.push_back(std::move(**Results[I]));
      continue;
    }
    llvm::Error E = Results[I]->takeError();
    for (size_t J = I + 1; J < N; ++J)
      if (!*Results[J])
        llvm::consumeError(Results[J]->takeError());
    return E;
  }
  return Out;
}

} // namespace ballast::analyzer
