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
#include "support/AsciiCase.h"
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

/// What a `_`-separated word of a name is, BuildKit's `(?i)(?:_|^)(?:word)(?:_|$)` tests:
/// a secret word, an allowed one that clears the name, a signing one (`gpg`, `pgp`) and a
/// private one, which a signing name needs to count.
enum WordClass : unsigned { SecretWord = 1, AllowWord = 2, SigningWord = 4, PrivateWord = 8 };

/// The WordClass bits of one word of a name (any case), compared in place (no lower-cased
/// copy of the name, no list of its words).
unsigned wordClass(llvm::StringRef Part) {
  struct Entry {
    llvm::StringRef Word;
    unsigned Class;
  };
  static constexpr Entry Words[] = {{"apikey", SecretWord},
                                    {"auth", SecretWord},
                                    {"credential", SecretWord},
                                    {"credentials", SecretWord},
                                    {"key", SecretWord},
                                    {"password", SecretWord | PrivateWord},
                                    {"pword", SecretWord},
                                    {"passwd", SecretWord},
                                    {"secret", SecretWord | PrivateWord},
                                    {"token", SecretWord},
                                    {"public", AllowWord},
                                    {"file", AllowWord},
                                    {"version", AllowWord},
                                    {"gpg", SigningWord},
                                    {"pgp", SigningWord},
                                    {"private", PrivateWord},
                                    {"passphrase", PrivateWord}};
  if (Part.size() < 3 || Part.size() > 11)
    return 0;
  for (const Entry &E : Words)
    if (equalsLower(Part, E.Word))
      return E.Class;
  return 0;
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

#if defined(__SSE2__)
/// Whether Text certainly names no secret, tested before anything else (most names are no
/// secret, and hasSecretNeedle looks at every `c`, `h`, `k` and `w`, which `PATH`, `JAVA_HOME`
/// or `PYTHONDONTWRITEBYTECODE` have): it has none of the letter pairs, in any case, that each
/// needle has one of (`ut` auth, `cr` credential and secret, `ke` key and token, `pw` pword,
/// `sw` passwd and password) and no byte Escape-aware expansion would remove or change (`$`,
/// a quote, the escape character), so that its literal text, whatever it is, has none of them
/// either. Sixteen bytes at a time, consecutive (a pair is a byte and the next one); a name
/// shorter than that is gathered with loads within it and zeros after it.
bool surelyNoSecret(llvm::StringRef Text, char Escape) {
  const char *P = Text.data();
  const size_t N = Text.size();
  const __m128i Case = _mm_set1_epi8(0x20), Dollar = _mm_set1_epi8('$'),
                Single = _mm_set1_epi8('\''), Double = _mm_set1_epi8('"'),
                EscV = _mm_set1_epi8(Escape);
  auto Eq = [](__m128i V, char C) { return _mm_cmpeq_epi8(V, _mm_set1_epi8(C)); };
  // Lane I: a pair starts at byte I, or byte I is special. Setting bit 0x20 maps an upper-case
  // letter onto its lower case and nothing else onto a letter these pairs use.
  auto Hits = [&](__m128i V) {
    __m128i L = _mm_or_si128(V, Case);
    __m128i Next = _mm_srli_si128(L, 1); // lane I: byte I + 1 (zero past the block)
    __m128i Pairs = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(Eq(L, 'u'), Eq(Next, 't')),
                     _mm_and_si128(Eq(L, 'c'), Eq(Next, 'r'))),
        _mm_or_si128(_mm_and_si128(Eq(L, 'k'), Eq(Next, 'e')),
                     _mm_and_si128(Eq(Next, 'w'), _mm_or_si128(Eq(L, 'p'), Eq(L, 's')))));
    __m128i Special =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(V, Dollar), _mm_cmpeq_epi8(V, EscV)),
                     _mm_or_si128(_mm_cmpeq_epi8(V, Single), _mm_cmpeq_epi8(V, Double)));
    return unsigned(_mm_movemask_epi8(_mm_or_si128(Pairs, Special)));
  };
  if (N < 16) {
    // Bytes 0..N-1 in lanes 0..N-1, zeros after (a zero is neither special nor in a pair).
    uint64_t Lo = 0, Hi = 0;
    if (N >= 8) {
      Lo = swar::load(P);
      if (N > 8) // bytes 8..N-1 are the top N-8 bytes of the last eight
        Hi = swar::load(P + N - 8) >> (8 * (16 - N));
    } else if (N >= 4) {
      uint32_t A = 0, B = 0;
      std::memcpy(&A, P, 4);
      std::memcpy(&B, P + N - 4, 4); // bytes N-4..N-1: an overlap holds the same bytes
      Lo = A | uint64_t(B) << (8 * (N - 4));
    } else {
      for (size_t I = 0; I < N; ++I)
        Lo |= uint64_t(static_cast<unsigned char>(P[I])) << (8 * I);
    }
    return Hits(_mm_set_epi64x(static_cast<long long>(Hi), static_cast<long long>(Lo))) == 0;
  }
  // Blocks fifteen bytes apart (a pair at a block's last byte is in the next block), the last
  // one ending at the end.
  for (size_t B = 0;; B += 15) {
    size_t At = std::min(B, N - 16);
    if (Hits(_mm_loadu_si128(reinterpret_cast<const __m128i *>(P + At))))
      return false;
    if (At == N - 16)
      return true;
  }
}
#endif

/// isSensitive past its first test (surelyNoSecret), which a caller may have made.
bool isSensitiveUnfiltered(llvm::StringRef Name) {
  if (!hasSecretNeedle(Name))
    return false;
  // The classes of the name's `_`-separated words, read in place.
  unsigned Classes = 0;
  for (llvm::StringRef Rest = Name;;) {
    size_t Sep = Rest.find('_');
    Classes |= wordClass(Rest.take_front(Sep));
    if (Sep == llvm::StringRef::npos)
      break;
    Rest = Rest.drop_front(Sep + 1);
  }
  if (Classes & AllowWord)
    return false;
  // `GPG_KEY`/`PGP_KEYS` hold public key fingerprints to verify downloads (the official
  // python and node images set one); a private key or passphrase still counts.
  if ((Classes & SigningWord) && !(Classes & PrivateWord))
    return false;
  if (Classes & SecretWord)
    return true;
  std::string U = Name.upper();
  if (std::binary_search(std::begin(KnownSecretNames), std::end(KnownSecretNames), U.c_str(),
                         [](const char *A, const char *B) { return llvm::StringRef(A) < B; }))
    return true;
  std::string L = Name.lower();
  llvm::StringRef LS = L;
  return LS.contains("password") || LS.contains("passwd") || LS.contains("secret");
}

bool isSensitive(llvm::StringRef Name) {
#if defined(__SSE2__)
  if (surelyNoSecret(Name, '$'))
    return false;
#endif
  return isSensitiveUnfiltered(Name);
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
#if defined(__SSE2__)
        // Most names are turned down here, before the literal test (it would find them plain).
        if (surelyNoSecret(P.Key.Text, C.file().Escape))
          continue;
#endif
        // A plain name (most are) is its own text: no copy to test it.
        if (isLiteralWord(P.Key.Text, C.file().Escape)) {
          if (isSensitiveUnfiltered(P.Key.Text))
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
