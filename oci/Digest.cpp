//===- Digest.cpp - Content digests ---------------------------------------===//
#include "oci/Digest.h"

#include "support/Crypto.h"
#include "support/Errors.h"

namespace ballast::oci {

static bool isLowerHex(llvm::StringRef S) {
  return llvm::all_of(S, [](char C) { return (C >= '0' && C <= '9') || (C >= 'a' && C <= 'f'); });
}

llvm::Expected<Digest> Digest::parse(llvm::StringRef S) {
  auto [Alg, Hex] = S.split(':');
  if (Hex.empty() && !S.contains(':'))
    return makeError("invalid digest \"" + S + "\": expected algorithm:hex, e.g. sha256:<64 hex>");
  size_t Want = 0;
  if (Alg == "sha256")
    Want = 64;
  else if (Alg == "sha512")
    Want = 128;
  else
    return makeError("invalid digest \"" + S + "\": unsupported algorithm \"" + Alg +
                     "\" (sha256 or sha512)");
  if (Hex.size() != Want || !isLowerHex(Hex))
    return makeError("invalid digest \"" + S + "\": " + Alg + " needs " + llvm::Twine(Want) +
                     " lower-case hex characters");
  return Digest(Alg.str(), Hex.str());
}

Digest Digest::sha256Of(llvm::StringRef Bytes) { return fromSha256Hex(Sha256::hex(Bytes)); }

llvm::Expected<size_t> HashingReader::read(char *Buf, size_t Len) {
  auto N = In->read(Buf, Len);
  if (!N)
    return N.takeError();
  if (*N) {
    H.update(Buf, *N);
    Count += *N;
  }
  return N;
}

Digest HashingReader::digest() {
  if (Done.empty())
    Done = H.finishHex();
  return Digest::fromSha256Hex(Done);
}

namespace {
/// sha256 or sha512 through OpenSSL EVP (loaded on first use, support/Crypto.h), whichever the
/// expected digest names.
class EvpHasher {
public:
  explicit EvpHasher(bool Sha512) : Ctx(cryptoApiOrExit().MdCtxNew()) {
    const CryptoApi &C = cryptoApi();
    C.DigestInitEx(Ctx, Sha512 ? C.Sha512() : C.Sha256(), nullptr);
  }
  ~EvpHasher() { cryptoApi().MdCtxFree(Ctx); }
  EvpHasher(const EvpHasher &) = delete;
  EvpHasher &operator=(const EvpHasher &) = delete;
  void update(const void *Data, size_t Len) { cryptoApi().DigestUpdate(Ctx, Data, Len); }
  std::string finishHex() {
    unsigned char Out[EVP_MAX_MD_SIZE];
    unsigned int Len = 0;
    cryptoApi().DigestFinalEx(Ctx, Out, &Len);
    static const char Hex[] = "0123456789abcdef";
    std::string S;
    for (unsigned I = 0; I < Len; ++I) {
      S += Hex[Out[I] >> 4];
      S += Hex[Out[I] & 15];
    }
    return S;
  }

private:
  EVP_MD_CTX *Ctx;
};

class VerifyingReader : public Reader {
public:
  VerifyingReader(std::unique_ptr<Reader> In, Digest Want, int64_t Size)
      : In(std::move(In)), Want(std::move(Want)), Size(Size),
        H(this->Want.algorithm() == "sha512") {}
  llvm::Expected<size_t> read(char *Buf, size_t Len) override {
    if (Checked)
      return 0;
    if (Want.empty())
      return makeError("cannot verify a blob without a digest; the descriptor has none");
    if (Want.algorithm() != "sha256" && Want.algorithm() != "sha512")
      return makeError("cannot verify blob \"" + Want.str() +
                       "\": only sha256 and sha512 digests are supported");
    auto N = In->read(Buf, Len);
    if (!N)
      return N.takeError();
    if (*N) {
      H.update(Buf, *N);
      Count += *N;
      if (Size >= 0 && Count > static_cast<uint64_t>(Size))
        return makeError("blob " + Want.str() + " is longer than its declared size " +
                         llvm::Twine(Size));
      return N;
    }
    Checked = true;
    if (Size >= 0 && Count != static_cast<uint64_t>(Size))
      return makeError("blob " + Want.str() + " is truncated: got " + llvm::Twine(Count) + " of " +
                       llvm::Twine(Size) + " bytes");
    std::string Got = H.finishHex();
    if (Got != Want.hex())
      return makeError("blob digest mismatch: expected " + Want.str() + ", got " +
                       Want.algorithm() + ":" + Got);
    return 0;
  }

private:
  std::unique_ptr<Reader> In;
  Digest Want;
  int64_t Size;
  EvpHasher H;
  uint64_t Count = 0;
  bool Checked = false;
};
} // namespace

std::unique_ptr<Reader> verifyingReader(std::unique_ptr<Reader> In, Digest Expected, int64_t Size) {
  return std::make_unique<VerifyingReader>(std::move(In), std::move(Expected), Size);
}

} // namespace ballast::oci
