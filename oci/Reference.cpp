//===- Reference.cpp - Docker image references ----------------------------===//
//
// The grammar of github.com/distribution/reference (regexp.go), written out by hand:
//
//   reference     := name [ ":" tag ] [ "@" digest ]
//   name          := [ domainAndPort "/" ] pathComponent ( "/" pathComponent )*
//   domainAndPort := ( domainName | "[" ipv6 "]" ) [ ":" port ]
//   domainName    := domainComponent ( "." domainComponent )*   ([a-zA-Z0-9] with inner '-')
//   pathComponent := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag           := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest        := algorithm ":" hex{32,}
//
// and ParseNormalizedNamed's normalisation (normalize.go: splitDockerDomain, TagNameOnly).
//
//===----------------------------------------------------------------------===//
#include "oci/Reference.h"

#include "support/Errors.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::oci {

namespace {
constexpr llvm::StringLiteral DefaultDomain = "docker.io";
constexpr llvm::StringLiteral LegacyDefaultDomain = "index.docker.io";
constexpr llvm::StringLiteral OfficialRepoPrefix = "library/";
constexpr size_t NameTotalLengthMax = 255;

bool isLowerAlnum(char C) { return (C >= 'a' && C <= 'z') || (C >= '0' && C <= '9'); }
bool isWordChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// pathComponent: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool validPathComponent(llvm::StringRef S) {
  size_t I = 0, N = S.size();
  auto Alnums = [&] {
    size_t Start = I;
    while (I < N && isLowerAlnum(S[I]))
      ++I;
    return I > Start;
  };
  if (!Alnums())
    return false;
  while (I < N) {
    if (S[I] == '.')
      ++I;
    else if (S[I] == '_') {
      ++I;
      if (I < N && S[I] == '_')
        ++I;
    } else if (S[I] == '-') {
      while (I < N && S[I] == '-')
        ++I;
    } else
      return false;
    if (!Alnums())
      return false;
  }
  return true;
}

/// Whether F holds for each Sep-separated part of S (empty ones included), walked in place:
/// no list of the parts (BL4006 asks this of every FROM image with an ARG in it).
template <typename FnT> bool allParts(llvm::StringRef S, char Sep, FnT F) {
  for (;;) {
    const size_t At = S.find(Sep);
    if (!F(S.take_front(At)))
      return false;
    if (At == llvm::StringRef::npos)
      return true;
    S = S.drop_front(At + 1);
  }
}

/// remoteName: pathComponent ("/" pathComponent)*
bool validRemoteName(llvm::StringRef S) { return allParts(S, '/', validPathComponent); }

/// domainNameComponent: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool validDomainComponent(llvm::StringRef S) {
  if (S.empty() || !llvm::isAlnum(S.front()) || !llvm::isAlnum(S.back()))
    return false;
  return llvm::all_of(S, [](char C) { return llvm::isAlnum(C) || C == '-'; });
}

/// domainAndPort: (domainName | \[[a-fA-F0-9:]+\]) (:[0-9]+)?
bool validDomain(llvm::StringRef S) {
  llvm::StringRef Host = S, Port;
  if (S.startswith("[")) {
    size_t Close = S.find(']');
    if (Close == llvm::StringRef::npos)
      return false;
    Host = S.take_front(Close + 1);
    llvm::StringRef Rest = S.drop_front(Close + 1);
    if (!Rest.empty()) {
      if (!Rest.consume_front(":"))
        return false;
      Port = Rest;
      if (Port.empty())
        return false;
    }
    llvm::StringRef Inner = Host.drop_front().drop_back();
    if (Inner.empty() ||
        !llvm::all_of(Inner, [](char C) { return llvm::isHexDigit(C) || C == ':'; }))
      return false;
  } else {
    size_t Colon = S.find(':');
    if (Colon != llvm::StringRef::npos) {
      Host = S.take_front(Colon);
      Port = S.drop_front(Colon + 1);
      if (Port.empty())
        return false;
    }
    if (!allParts(Host, '.', validDomainComponent))
      return false;
  }
  return llvm::all_of(Port, llvm::isDigit);
}

/// digest: [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,}
bool digestSyntax(llvm::StringRef S) {
  auto [Alg, Hex] = S.split(':');
  if (!S.contains(':') || Hex.size() < 32 || !llvm::all_of(Hex, llvm::isHexDigit))
    return false;
  size_t I = 0, N = Alg.size();
  for (;;) {
    if (I >= N || !llvm::isAlpha(Alg[I]))
      return false;
    ++I;
    while (I < N && llvm::isAlnum(Alg[I]))
      ++I;
    if (I == N)
      return true;
    if (!llvm::StringRef("-_+.").contains(Alg[I]))
      return false;
    ++I;
  }
}

/// The parts of a reference string, split the way the anchored regexp matches them.
struct Split {
  llvm::StringRef Name, Tag, Digest;
  bool HasTag = false, HasDigest = false;
};

Split split(llvm::StringRef S) {
  Split P;
  size_t At = S.find('@');
  if (At != llvm::StringRef::npos) {
    P.Digest = S.drop_front(At + 1);
    P.HasDigest = true;
    S = S.take_front(At);
  }
  size_t Colon = S.rfind(':');
  size_t Slash = S.rfind('/');
  if (Colon != llvm::StringRef::npos && (Slash == llvm::StringRef::npos || Colon > Slash)) {
    P.Tag = S.drop_front(Colon + 1);
    P.HasTag = true;
    S = S.take_front(Colon);
  }
  P.Name = S;
  return P;
}

/// Splits a name into domain and path the way anchoredNameRegexp does (the domain group is
/// greedy: the first component is a domain whenever the rest is a valid remote name).
bool splitName(llvm::StringRef Name, std::string &Domain, std::string &Path) {
  size_t Slash = Name.find('/');
  if (Slash != llvm::StringRef::npos && validDomain(Name.take_front(Slash)) &&
      validRemoteName(Name.drop_front(Slash + 1))) {
    Domain = Name.take_front(Slash).str();
    Path = Name.drop_front(Slash + 1).str();
    return true;
  }
  if (validRemoteName(Name)) {
    Domain.clear();
    Path = Name.str();
    return true;
  }
  return false;
}

bool validTagSyntax(llvm::StringRef T) {
  return !T.empty() && T.size() <= 128 && isWordChar(T.front()) &&
         llvm::all_of(T, [](char C) { return isWordChar(C) || C == '.' || C == '-'; });
}

bool matchesReference(llvm::StringRef S) {
  Split P = split(S);
  std::string D, Pa;
  if (!splitName(P.Name, D, Pa))
    return false;
  if (P.HasTag && !validTagSyntax(P.Tag))
    return false;
  if (P.HasDigest && !digestSyntax(P.Digest))
    return false;
  return true;
}

/// Why S does not match the grammar, naming the bad part.
std::string diagnose(llvm::StringRef S) {
  if (S.empty())
    return "repository name must have at least one component";
  if (matchesReference(S.lower()))
    return "repository name must be lowercase";
  Split P = split(S);
  if (P.HasDigest && !digestSyntax(P.Digest))
    return ("invalid digest \"" + P.Digest + "\"; expected algorithm:hex, e.g. sha256:<64 hex>")
        .str();
  if (P.HasTag && !validTagSyntax(P.Tag)) {
    if (P.Tag.empty())
      return "empty tag after \":\"; give a tag or drop the \":\"";
    if (P.Tag.size() > 128)
      return "tag is longer than 128 characters";
    return ("invalid tag \"" + P.Tag +
            "\"; a tag has letters, digits, '_', '.' and '-' and does not start with '.' or '-'")
        .str();
  }
  if (P.Name.empty())
    return "repository name must have at least one component";
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  P.Name.split(Parts, '/');
  for (size_t I = 0; I < Parts.size(); ++I) {
    llvm::StringRef C = Parts[I];
    if (I == 0 && Parts.size() > 1 && validDomain(C))
      continue;
    if (C.empty())
      return "repository name has an empty component";
    if (!validPathComponent(C))
      return ("invalid repository name component \"" + C +
              "\"; use lower-case letters and digits separated by '.', '_', '__' or '-'")
          .str();
  }
  return "invalid reference format";
}

llvm::Error refError(llvm::StringRef S, const llvm::Twine &Why) {
  return makeError("invalid reference \"" + S + "\": " + Why);
}

/// distribution/reference's splitDockerDomain.
void splitDockerDomain(llvm::StringRef Name, std::string &Domain, std::string &Remainder) {
  size_t Slash = Name.find('/');
  if (Slash == llvm::StringRef::npos) {
    Domain = DefaultDomain.str();
    Remainder = (OfficialRepoPrefix + Name).str();
    return;
  }
  llvm::StringRef MaybeDomain = Name.take_front(Slash), MaybeRemote = Name.drop_front(Slash + 1);
  if (MaybeDomain == "localhost") {
    Domain = MaybeDomain.str(), Remainder = MaybeRemote.str();
  } else if (MaybeDomain == LegacyDefaultDomain) {
    Domain = DefaultDomain.str(), Remainder = MaybeRemote.str();
  } else if (MaybeDomain.find_first_of(".:") != llvm::StringRef::npos) {
    Domain = MaybeDomain.str(), Remainder = MaybeRemote.str();
  } else if (MaybeDomain.lower() != MaybeDomain) {
    Domain = MaybeDomain.str(), Remainder = MaybeRemote.str();
  } else {
    Domain = DefaultDomain.str(), Remainder = Name.str();
  }
  if (Domain == DefaultDomain && Remainder.find('/') == std::string::npos)
    Remainder = (OfficialRepoPrefix + Remainder).str();
}
} // namespace

bool Reference::validTag(llvm::StringRef T) { return validTagSyntax(T); }

bool Reference::isQualified(llvm::StringRef S, llvm::StringRef *Name) {
  Split P = split(S);
  size_t Slash = P.Name.find('/');
  if (Slash == llvm::StringRef::npos || !validDomain(P.Name.take_front(Slash)) ||
      !validRemoteName(P.Name.drop_front(Slash + 1)))
    return false;
  if ((P.HasTag && !validTagSyntax(P.Tag)) || (P.HasDigest && !digestSyntax(P.Digest)))
    return false;
  if (Name)
    *Name = P.Name;
  return true;
}

llvm::Expected<Reference> Reference::parse(llvm::StringRef S, bool DefaultTag) {
  if (S.size() == 64 &&
      llvm::all_of(S, [](char C) { return isLowerAlnum(C) && llvm::isHexDigit(C); }))
    return refError(S, "a 64-character hexadecimal string is an image ID, not a repository name");
  std::string Domain, Remainder;
  splitDockerDomain(S, Domain, Remainder);
  llvm::StringRef Rem = Remainder;
  llvm::StringRef Remote = Rem.take_until([](char C) { return C == ':' || C == '@'; });
  if (Remote.lower() != Remote)
    return refError(S, "repository name must be lowercase");
  std::string Full = Domain + "/" + Remainder;
  if (!matchesReference(Full))
    return refError(S, diagnose(S.empty() ? llvm::StringRef() : llvm::StringRef(Full)));
  Split P = split(Full);
  if (P.Name.size() > NameTotalLengthMax)
    return refError(S, "repository name must not be more than 255 characters");
  Reference R;
  if (!splitName(P.Name, R.Domain, R.Path))
    return refError(S, "invalid reference format");
  if (R.Domain.empty()) {
    // distribution/reference accepts "foo_bar.com/x" with an empty domain (the first component
    // looks like a host to splitDockerDomain but is not one to the grammar); nothing can be pulled
    // from there, so say what is wrong.
    return refError(S, "invalid domain \"" + Domain +
                           "\"; use a host name, an IPv4 address or an [IPv6] address, with an "
                           "optional :port");
  }
  if (P.HasTag)
    R.Tag = P.Tag.str();
  if (P.HasDigest) {
    auto D = Digest::parse(P.Digest);
    if (!D)
      return refError(S, llvm::toString(D.takeError()));
    R.Dig = *D;
  }
  if (DefaultTag && R.Tag.empty() && !R.Dig)
    R.Tag = "latest";
  return R;
}

std::string Reference::str() const {
  std::string S = repository();
  if (!Tag.empty())
    S += ":" + Tag;
  if (Dig)
    S += "@" + Dig->str();
  return S;
}

std::string Reference::familiarName() const {
  if (Domain != DefaultDomain)
    return repository();
  llvm::StringRef P = Path;
  if (P.startswith(OfficialRepoPrefix) && !P.drop_front(OfficialRepoPrefix.size()).contains('/'))
    return P.drop_front(OfficialRepoPrefix.size()).str();
  // Unlike distribution/reference's FamiliarName, keep "docker.io/" when the short form would be
  // read back as another registry ("docker.io/a.b/c" is not "a.b/c").
  llvm::StringRef First = P.take_until([](char C) { return C == '/'; });
  if (First == "localhost" || First.find_first_of(".:") != llvm::StringRef::npos ||
      First.lower() != First)
    return repository();
  return Path;
}

std::string Reference::familiar() const {
  std::string S = familiarName();
  if (!Tag.empty())
    S += ":" + Tag;
  if (Dig)
    S += "@" + Dig->str();
  return S;
}

Reference Reference::withTag(llvm::StringRef T) const {
  Reference R = *this;
  R.Tag = T.str();
  R.Dig.reset();
  return R;
}

Reference Reference::withDigest(const Digest &D) const {
  Reference R = *this;
  R.Dig = D;
  return R;
}

std::string Reference::registryHost() const {
  return Domain == DefaultDomain ? std::string("registry-1.docker.io") : Domain;
}

std::string Reference::identifier() const { return Dig ? Dig->str() : Tag; }

} // namespace ballast::oci
