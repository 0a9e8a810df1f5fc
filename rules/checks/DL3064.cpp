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
#include <string_view>

#include "rules/Queries.h"
#include "rules/Rule.h"
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
  for (size_t I = 0, E = Name.size(); I < E; ++I)
    for (unsigned M = ByAnchor[static_cast<unsigned char>(Name[I])]; M; M &= M - 1) {
      const Needle &N = Needles[llvm::countTrailingZeros(M)];
      if (I >= N.Anchor && startsWithLower(Name.drop_front(I - N.Anchor), N.Text))
        return true;
    }
  return false;
}

bool isSensitive(llvm::StringRef Name) {
  static const llvm::StringRef Secret[] = {"apikey", "auth",     "credential", "credentials",
                                           "key",    "password", "pword",      "passwd",
                                           "secret", "token"};
  static const llvm::StringRef Allow[] = {"public", "file", "version"};
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
  static const llvm::StringRef Signing[] = {"gpg", "pgp"};
  static const llvm::StringRef Private[] = {"private", "secret", "passphrase", "password"};
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
