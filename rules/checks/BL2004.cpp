//===- BL2004.cpp - Secrets copied into the image -------------------------===//
#include "rules/BuildContext.h"
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"

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
/// Asked of every file of a walked build context: the segments are visited in place and only
/// the base name is lower-cased, into a small buffer.
llvm::StringRef secretKind(llvm::StringRef Path) {
  static const std::pair<llvm::StringRef, llvm::StringRef> SecretDirs[] = {
      {".ssh", "`.ssh/` folder"}, {".aws", "`.aws/` folder"}, {".gnupg", "`.gnupg/` folder"}};
  llvm::StringRef P = Path;
  while (P.size() > 1 && P.endswith("/"))
    P = P.drop_back();
  llvm::StringRef Base; // the last non-empty segment
  for (llvm::StringRef Rest = P; !Rest.empty();) {
    size_t Slash = Rest.find('/');
    llvm::StringRef S = Rest.take_front(Slash);
    Rest = Slash == llvm::StringRef::npos ? llvm::StringRef() : Rest.drop_front(Slash + 1);
    if (S.empty())
      continue;
    for (const auto &Dir : SecretDirs)
      if (S == Dir.first)
        return Dir.second;
    Base = S;
  }
  if (Base.empty())
    return "";
  llvm::SmallString<64> L;
  L.resize(Base.size());
  for (size_t K = 0; K < Base.size(); ++K)
    L[K] = llvm::toLower(Base[K]);
  llvm::StringRef B = L;
  if (B == ".env" || (B.startswith(".env.") && !B.endswith(".example") && !B.endswith(".sample") &&
                      !B.endswith(".template") && !B.endswith(".dist") && !B.endswith(".defaults")))
    return "environment file";
  if (B == "id_rsa" || B == "id_dsa" || B == "id_ecdsa" || B == "id_ed25519")
    return "SSH private key";
  if (B == ".npmrc" || B == ".pypirc" || B == ".netrc" || B == ".git-credentials" ||
      B == ".dockercfg")
    return "credentials file";
  if (B == "credentials" || B == "credentials.json" || B == "service-account.json")
    return "credentials file";
  // `.pem`, `.key`, `.p12`, `.pfx`: one look at the last four bytes.
  llvm::StringRef Ext = B.size() >= 4 && B[B.size() - 4] == '.' ? B.take_back(3) : "";
  if ((Ext == "pem" || Ext == "key" || Ext == "p12" || Ext == "pfx") && looksPrivate(Base) &&
      !looksPublic(Base))
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
      walkContext(
          View, C.model().contextDir(), 3, 5000,
          [&](llvm::StringRef Rel, bool IsDir) {
            if (Found.size() < 3 && !secretKind(Rel).empty() &&
                !(IsDir && !Rel.endswith(".ssh") && !Rel.endswith(".aws") &&
                  !Rel.endswith(".gnupg")))
              Found.push_back(Rel.str());
          },
          C.model().runCache());
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
