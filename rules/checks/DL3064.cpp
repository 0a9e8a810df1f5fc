//===- DL3064.cpp - Sensitive data should not be used in ARG or ENV -------===//
//
// hadolint's DL3064 and BuildKit's SecretsUsedInArgOrEnv ask the same question of a name. We use
// BuildKit's word match (a secret word between `_` separators or the ends, unless an allowed
// word such as `public`/`file`/`version` is there too), plus hadolint's list of known secret
// names and its high-signal substrings (`password`, `passwd`, `secret`). hadolint's looser
// substrings (`token`, `username`, `private`) are left out: they flag `TOKENIZERS_PARALLELISM`,
// `USERNAME` and `GOPRIVATE`, none of which is a secret.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string_view>

#include "rules/Queries.h"
#include "rules/Rule.h"
#include "support/Swar.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MathExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Names hadolint knows to hold credentials (upper case, sorted).
const char *const KnownSecretNames[] = {"ACCESS_TOKEN",
                                        "APPLICATION_KEY",
                                        "APP_SECRET",
                                        "AUTH_TOKEN",
                                        "AWS_ACCESS_KEY_ID",
                                        "AWS_SECRET_ACCESS_KEY",
                                        "BITTREX_API_KEY",
                                        "BITTREX_API_SECRET",
                                        "CF_PASSWORD",
                                        "CIRCLE_TOKEN",
                                        "CI_DEPLOY_PASSWORD",
                                        "DOCKERHUB_PASSWORD",
                                        "DOCKER_PASSWORD",
                                        "FACEBOOK_ACCESS_TOKEN",
                                        "FACEBOOK_APP_SECRET",
                                        "FIREBASE_API_TOKEN",
                                        "FIREBASE_TOKEN",
                                        "FOSSA_API_KEY",
                                        "GH_ENTERPRISE_TOKEN",
                                        "GH_TOKEN",
                                        "GITHUB_ENTERPRISE_TOKEN",
                                        "GITHUB_TOKEN",
                                        "HEROKU_API_KEY",
                                        "NPM_AUTH_TOKEN",
                                        "NPM_TOKEN",
                                        "OKTA_CLIENT_TOKEN",
                                        "OKTA_OAUTH2_CLIENTSECRET",
                                        "OPENAI_API_KEY",
                                        "OS_PASSWORD",
                                        "POSTGRES_PASSWORD",
                                        "SLACK_TOKEN",
                                        "STRIPE_API_KEY",
                                        "VAULT_CLIENT_KEY",
                                        "VAULT_TOKEN"};

/// Whether one of Words appears in Name as a whole `_`-separated word (case-insensitive),
/// like BuildKit's `(?i)(?:_|^)(?:word)(?:_|$)`.
/// The `_`-separated words of a lower-cased name ("db_password_file" -> db, password, file).
using NameWords = llvm::SmallVector<llvm::StringRef, 8>;

/// One of Words is a whole `_`-separated word of the name (none of Words contains `_`).
bool hasWord(const NameWords &Parts, llvm::ArrayRef<llvm::StringRef> Words) {
  for (llvm::StringRef P : Parts)
    for (llvm::StringRef W : Words)
      if (P == W)
        return true;
  return false;
}

/// Whether Rest starts with Needle (lower case) in any case.
bool startsWithLower(llvm::StringRef Rest, llvm::StringRef Needle) {
  if (Rest.size() < Needle.size())
    return false;
  for (size_t I = 0; I < Needle.size(); ++I)
    if (llvm::toLower(Rest[I]) != Needle[I])
      return false;
  return true;
}

/// Whether Name (any case) contains one of the substrings every secret test needs: each secret
/// word, known name and substring below contains one. Most names (`PATH`, `NODE_VERSION`) have
/// none, and one pass that looks further only at a possible anchor turns them down without a
/// lower-cased copy or a search per substring. The anchor of a needle is one of its letters
/// `c`, `h`, `k`, `w`, which are rarer in names than the first letters (`a`, `p`, `s`, `t`).
bool hasSecretNeedle(llvm::StringRef Name) {
  struct Needle {
    std::string_view Text;
    unsigned Anchor; // the index in Text of its anchor letter
  };
  static constexpr Needle Needles[] = {{"auth", 3},   {"credential", 0}, {"key", 0},
                                       {"pword", 1},  {"passwd", 4},     {"password", 4},
                                       {"secret", 2}, {"token", 2}};
  // For each byte, the needles whose anchor it is in either case (bit K: Needles[K]): one load
  // turns down a byte that anchors none.
  static constexpr std::array<uint8_t, 256> ByAnchor = [] {
    std::array<uint8_t, 256> M{};
    for (size_t K = 0; K < std::size(Needles); ++K) {
      auto Lower = static_cast<unsigned char>(Needles[K].Text[Needles[K].Anchor]);
      M[Lower] |= uint8_t(1U << K);
      M[Lower - 'a' + 'A'] |= uint8_t(1U << K);
    }
    return M;
  }();
  // Whether a needle anchored at byte I is there.
  auto At = [&](size_t I) {
    for (unsigned M = ByAnchor[static_cast<unsigned char>(Name[I])]; M; M &= M - 1) {
      const Needle &N = Needles[llvm::countTrailingZeros(M)];
      if (I >= N.Anchor && startsWithLower(Name.drop_front(I - N.Anchor), N.Text))
        return true;
    }
    return false;
  };
  size_t Size = Name.size();
#if defined(__SSE2__)
  // The anchors found sixteen bytes at a time (a byte with bit 0x20 set is `c`, `h`, `k` or `w`
  // only when it is that letter in either case), and only their positions looked at: most
  // names have one or none. A name shorter than sixteen bytes is gathered with overlapping
  // loads within it (the rest zero, which anchors nothing); a position the two loads share is
  // dropped from the second one's lanes.
  if (Size >= 4) {
    const char *P = Name.data();
    const __m128i Case = _mm_set1_epi8(0x20), C = _mm_set1_epi8('c'), H = _mm_set1_epi8('h'),
                  K = _mm_set1_epi8('k'), W = _mm_set1_epi8('w');
    auto Anchors = [&](__m128i V) {
      __m128i L = _mm_or_si128(V, Case);
      return unsigned(_mm_movemask_epi8(
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(L, C), _mm_cmpeq_epi8(L, H)),
                       _mm_or_si128(_mm_cmpeq_epi8(L, K), _mm_cmpeq_epi8(L, W)))));
    };
    // Lanes 0-7 are positions 0-7; lane 8 + J is position HiBase + J.
    auto Scan = [&](unsigned Mask, size_t HiBase) {
      for (; Mask; Mask &= Mask - 1) {
        unsigned Lane = llvm::countTrailingZeros(Mask);
        if (At(Lane < 8 ? Lane : HiBase + (Lane - 8)))
          return true;
      }
      return false;
    };
    if (Size < 8) {
      // Lanes 0-3: positions 0-3; lanes 4-7: positions Size-4 to Size-1.
      uint32_t Lo = 0, Hi = 0;
      std::memcpy(&Lo, P, 4);
      std::memcpy(&Hi, P + Size - 4, 4);
      unsigned Mask = Anchors(_mm_set_epi64x(0, static_cast<long long>(Lo | uint64_t(Hi) << 32)));
      unsigned Shared = ((1U << (8 - Size)) - 1) << 4; // lanes 4.. of positions below 4
      for (Mask &= ~Shared; Mask; Mask &= Mask - 1) {
        unsigned Lane = llvm::countTrailingZeros(Mask);
        if (At(Lane < 4 ? Lane : Size - 8 + Lane))
          return true;
      }
      return false;
    }
    if (Size < 16) {
      __m128i V = _mm_set_epi64x(static_cast<long long>(swar::load(P + Size - 8)),
                                 static_cast<long long>(swar::load(P)));
      unsigned Shared = ((1U << (16 - Size)) - 1) << 8; // lanes 8.. of positions below 8
      return Scan(Anchors(V) & ~Shared, Size - 8);
    }
    size_t B = 0;
    for (; B + 16 <= Size; B += 16) {
      unsigned Mask = Anchors(_mm_loadu_si128(reinterpret_cast<const __m128i *>(P + B)));
      for (; Mask; Mask &= Mask - 1)
        if (At(B + llvm::countTrailingZeros(Mask)))
          return true;
    }
    for (; B < Size; ++B)
      if (At(B))
        return true;
    return false;
  }
#endif
  for (size_t I = 0; I < Size; ++I)
    if (At(I))
      return true;
  return false;
}

bool isSensitive(llvm::StringRef Name) {
  static constexpr llvm::StringRef Secret[] = {"apikey", "auth",     "credential", "credentials",
                                               "key",    "password", "pword",      "passwd",
                                               "secret", "token"};
  static constexpr llvm::StringRef Allow[] = {"public", "file", "version"};
  if (!hasSecretNeedle(Name))
    return false;
  llvm::SmallString<64> L;
  L.resize(Name.size());
  for (size_t I = 0; I < Name.size(); ++I)
    L[I] = llvm::toLower(Name[I]);
  llvm::StringRef LS = L.str();
  NameWords Parts;
  LS.split(Parts, '_');
  if (hasWord(Parts, Allow))
    return false;
  // `GPG_KEY`/`PGP_KEYS` hold public key fingerprints to verify downloads (the official
  // python and node images set one); a private key or passphrase still counts.
  static constexpr llvm::StringRef Signing[] = {"gpg", "pgp"};
  static constexpr llvm::StringRef Private[] = {"private", "secret", "passphrase", "password"};
  if (hasWord(Parts, Signing) && !hasWord(Parts, Private))
    return false;
  if (hasWord(Parts, Secret))
    return true;
  std::string U = Name.upper();
  if (std::binary_search(std::begin(KnownSecretNames), std::end(KnownSecretNames), U.c_str(),
                         [](const char *A, const char *B) { return llvm::StringRef(A) < B; }))
    return true;
  return LS.contains("password") || LS.contains("passwd") || LS.contains("secret");
}

class SecretInArgOrEnv : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Arg, InstrKind::Env); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind == InstrKind::Arg) {
      for (const Word &W : I.Args) {
        llvm::StringRef Text = W.Text;
        llvm::StringRef Name = Text.take_front(Text.find('=')); // (split() searches out of line)
        if (isSensitive(Name))
          report(C, "ARG", Name, {W.Range.Begin, W.Range.Begin + uint32_t(Name.size())});
      }
      return;
    }
    if (I.Kind == InstrKind::Env)
      for (const KeyValue &P : I.Pairs) {
        // A plain name (most are) is its own text: no copy to test it.
        if (isLiteralWord(P.Key.Text, C.file().Escape)) {
          if (isSensitive(P.Key.Text))
            report(C, "ENV", P.Key.Text, P.Key.Range);
          continue;
        }
        std::optional<std::string> Name = literalText(P.Key.Text, C.file().Escape);
        if (Name && isSensitive(*Name))
          report(C, "ENV", *Name, P.Key.Range);
      }
  }

private:
  static void report(Context &C, llvm::StringRef Kind, llvm::StringRef Name, SourceRange R) {
    C.report(R,
             "`" + Kind.str() + " " + Name.str() +
                 "` may hold sensitive data, which stays "
                 "in the image history and metadata; pass secrets with `RUN --mount=type=secret` "
                 "instead");
  }
};

} // namespace

RuleInfo infoDL3064() {
  RuleInfo R;
  R.Id = "DL3064";
  R.Aliases = {"SecretsUsedInArgOrEnv"};
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.SecuritySeverity = "7.5";
  R.Title = "sensitive data should not be used in arg or env";
  return R;
}

BALLAST_RULE_MAKE(DL3064, SecretInArgOrEnv)

} // namespace ballast::rules
