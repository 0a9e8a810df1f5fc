//===- BL2004.cpp - Secrets copied into the image -------------------------===//
#include <cstring>

#include "rules/BuildContext.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallVector.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Splits a file name into lower-case tokens on `.`, `-` and `_`.
llvm::SmallVector<std::string, 4> nameTokens(llvm::StringRef Name) {
  llvm::SmallVector<std::string, 4> T;
  std::string Cur;
  for (char C : Name) {
    if (C == '.' || C == '-' || C == '_') {
      if (!Cur.empty())
        T.push_back(std::move(Cur));
      Cur.clear();
    } else {
      Cur += llvm::toLower(C);
    }
  }
  if (!Cur.empty())
    T.push_back(std::move(Cur));
  return T;
}

/// A `.pem`/`.key` whose name says it is public: certificates, CA bundles, signing keyrings.
bool looksPublic(llvm::StringRef Name) {
  static const llvm::StringRef Public[] = {"pub",     "public", "ca",        "cert",    "certs",
                                           "crt",     "chain",  "fullchain", "bundle",  "root",
                                           "trust",   "gpg",    "signing",   "keyring", "archive",
                                           "release", "repo",   "apt",       "rpm",     "cacert"};
  for (const std::string &T : nameTokens(Name))
    if (llvm::is_contained(Public, llvm::StringRef(T)))
      return true;
  return false;
}

/// A `.pem`/`.key` whose name says it is a private key (`server.key`, `tls.key`, `privkey.pem`);
/// other names (`jenkins.io-2026.key`) are usually public signing keys.
bool looksPrivate(llvm::StringRef Name) {
  static const llvm::StringRef Private[] = {"private", "priv",   "privkey", "server", "tls",
                                            "ssl",     "client", "key",     "id"};
  auto T = nameTokens(Name);
  // The last token is the extension; `server.key` has "server", `key.pem` has "key".
  for (size_t K = 0; K + 1 < T.size(); ++K)
    if (llvm::is_contained(Private, llvm::StringRef(T[K])))
      return true;
  return false;
}

/// Why the context path (or source word) Path looks like a secret, or "" when it does not.
/// Asked of every entry of a walked build context by every file that copies the whole context,
/// so a name that is no secret is turned down cheaply: the secret folders are looked for only at
/// a segment that starts with `.` (one memchr per dot), and the base name is compared in place,
/// case-insensitively, only against the names that share its first letter.
llvm::StringRef secretKind(llvm::StringRef Path) {
  llvm::StringRef P = Path;
  while (P.size() > 1 && P.endswith("/"))
    P = P.drop_back();
  for (size_t Dot = P.find('.'); Dot != llvm::StringRef::npos; Dot = P.find('.', Dot + 1)) {
    if (Dot != 0 && P[Dot - 1] != '/')
      continue;
    llvm::StringRef S = P.substr(Dot).take_until([](char C) { return C == '/'; });
    if (S == ".ssh")
      return "`.ssh/` folder";
    if (S == ".aws")
      return "`.aws/` folder";
    if (S == ".gnupg")
      return "`.gnupg/` folder";
  }
  // The last non-empty segment: trailing slashes are gone, so only "/" leaves none. memrchr,
  // not StringRef::rfind, which steps back one byte at a time.
  const void *LastSlash = P.empty() ? nullptr : memrchr(P.data(), '/', P.size());
  llvm::StringRef B =
      LastSlash ? P.drop_front(static_cast<const char *>(LastSlash) - P.data() + 1) : P;
  if (B.empty())
    return "";
  switch (llvm::toLower(B[0])) {
  case '.':
    if (B.startswith_insensitive(".env") &&
        (B.size() == 4 ||
         (B[4] == '.' && !B.endswith_insensitive(".example") &&
          !B.endswith_insensitive(".sample") && !B.endswith_insensitive(".template") &&
          !B.endswith_insensitive(".dist") && !B.endswith_insensitive(".defaults"))))
      return "environment file";
    if (B.equals_insensitive(".npmrc") || B.equals_insensitive(".pypirc") ||
        B.equals_insensitive(".netrc") || B.equals_insensitive(".git-credentials") ||
        B.equals_insensitive(".dockercfg"))
      return "credentials file";
    break;
  case 'i':
    if (B.equals_insensitive("id_rsa") || B.equals_insensitive("id_dsa") ||
        B.equals_insensitive("id_ecdsa") || B.equals_insensitive("id_ed25519"))
      return "SSH private key";
    break;
  case 'c':
    if (B.equals_insensitive("credentials") || B.equals_insensitive("credentials.json"))
      return "credentials file";
    break;
  case 's':
    if (B.equals_insensitive("service-account.json"))
      return "credentials file";
    break;
  default: break;
  }
  // `.pem`, `.key`, `.p12`, `.pfx`: one look at the last four bytes.
  if (B.size() < 4 || B[B.size() - 4] != '.')
    return "";
  llvm::StringRef Ext = B.take_back(3);
  if ((Ext.equals_insensitive("pem") || Ext.equals_insensitive("key") ||
       Ext.equals_insensitive("p12") || Ext.equals_insensitive("pfx")) &&
      looksPrivate(B) && !looksPublic(B))
    return "private key";
  return "";
}

/// Destinations where public keys and certificates go.
bool publicKeyDestination(llvm::StringRef Dest) {
  return containsText(Dest, "ca-certificates") || containsText(Dest, "keyrings") ||
         containsText(Dest, "/etc/apt") || containsText(Dest, "rpm-gpg") ||
         containsText(Dest, "/etc/ssl/certs") || containsText(Dest, "/etc/pki");
}

class SecretCopied : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::Copy, InstrKind::Add); }
  void check(const Instruction &I, Context &C) override {
    if ((I.Kind != InstrKind::Copy && I.Kind != InstrKind::Add) || I.Args.size() < 2 ||
        I.flag("from") || !I.Heredocs.empty())
      return;
    llvm::StringRef Dest = I.Args.back().Text;
    for (size_t K = 0; K + 1 < I.Args.size(); ++K) {
      const Word &Src = I.Args[K];
      llvm::StringRef T = Src.Text;
      if (containsText(T, "://") || T.startswith("git@"))
        continue;
      if (isWholeContextSource(T)) {
        checkContext(C, Src);
        continue;
      }
      llvm::StringRef Kind = secretKind(T);
      if (Kind.empty() || (Kind == "private key" && publicKeyDestination(Dest)))
        continue;
      C.report(Src.Range, "`" + T.str() + "` looks like a secret (" + Kind.str() +
                              ") and stays readable in the image layers; pass it with "
                              "`RUN --mount=type=secret` (or `--mount=type=ssh`) instead of "
                              "copying it");
    }
  }

private:
  void checkContext(Context &C, const Word &Src) {
    if (!Loaded) {
      Loaded = true;
      View = loadBuildContext(C);
      // The first three secrets of the walk: found once per run for a context, however many
      // of its files copy all of it.
      WalkEntries Scratch;
      const WalkEntries &Secrets = gatherFromContext(
          View, C.model().contextDir(), 3, 5000, "BL2004",
          [](llvm::StringRef Rel, bool IsDir, WalkEntries &Out) {
            // A folder counts only as a secret folder itself: test that first, it is cheap.
            if (Out.size() < 3 &&
                !(IsDir && !Rel.endswith(".ssh") && !Rel.endswith(".aws") &&
                  !Rel.endswith(".gnupg")) &&
                !secretKind(Rel).empty())
              Out.emplace_back(Rel.str(), IsDir);
          },
          C.model().runCache(), Scratch);
      for (const auto &S : Secrets)
        Found.push_back(S.first);
    }
    if (Found.empty())
      return;
    std::string List;
    for (const std::string &F : Found)
      List += (List.empty() ? "`" : ", `") + F + "`";
    C.report(Src.Range, "copying the whole context puts " + List +
                            " in the image layers, readable by anyone who pulls it; exclude them "
                            "in .dockerignore and pass secrets with `RUN --mount=type=secret`");
  }

  bool Loaded = false;
  BuildContextView View;
  std::vector<std::string> Found;
};

} // namespace

RuleInfo infoBL2004() {
  RuleInfo R;
  R.Id = "BL2004";
  R.DefaultSeverity = Severity::Warning;
  R.Cat = Category::Security;
  R.Title = "secret file copied into the image";
  R.SecuritySeverity = "7.5";
  return R;
}

BALLAST_RULE_MAKE(BL2004, SecretCopied)

} // namespace ballast::rules
