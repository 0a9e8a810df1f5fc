//===- BL1051.cpp - Heavy base image with a slim variant ------------------===//
#include "rules/Queries.h"
#include "rules/Rule.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"

namespace ballast::rules {
namespace {

using namespace dockerfile;

/// Debian/Ubuntu release names used as tag suffixes (`3.12-bookworm`).
bool isCodename(llvm::StringRef S) {
  static const llvm::StringRef Names[] = {"bookworm", "bullseye", "buster", "stretch", "trixie",
                                          "jammy",    "focal",    "noble",  "bionic"};
  return llvm::is_contained(Names, S);
}

bool hasToken(llvm::StringRef Tag, llvm::StringRef Tok) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Tag.split(Parts, '-');
  return llvm::is_contained(Parts, Tok);
}

/// Inserts `-Variant` before a trailing codename (`3.12-bookworm` -> `3.12-slim-bookworm`).
std::string withVariant(llvm::StringRef Tag, llvm::StringRef Variant) {
  if (Tag.empty() || Tag == "latest")
    return Variant.str();
  auto [Head, Last] = Tag.rsplit('-');
  if (!Last.empty() && isCodename(Last) && Head != Tag && !Head.empty())
    return Head.str() + "-" + Variant.str() + "-" + Last.str();
  if (isCodename(Tag) && Variant == "slim")
    return Tag.str() + "-slim";
  return Tag.str() + "-" + Variant.str();
}

class HeavyBase : public Rule {
public:
  KindMask kinds() const override { return kindsOf(InstrKind::From); }
  void check(const Instruction &I, Context &C) override {
    if (I.Kind != InstrKind::From || C.inOnbuild() || !C.stage())
      return;
    const Stage &S = *C.stage();
    if (S.BaseStage >= 0 || hasVariable(S.ResolvedImage) || !layersReachTarget(C.stages(), S))
      return;
    ImageRef R = splitImageRef(S.ResolvedImage);
    if (!R.Registry.empty() && R.Registry != "docker.io" && R.Registry != "index.docker.io")
      return;
    llvm::StringRef Repo = R.Repository;
    Repo.consume_front("library/");
    // Most bases are none of the images below: turned down before their tag is looked at.
    static constexpr llvm::StringRef Heavy[] = {"debian",  "python",         "ruby",
                                                "node",    "golang",         "eclipse-temurin",
                                                "openjdk", "amazoncorretto", "php"};
    if (!llvm::is_contained(Heavy, Repo))
      return;
    // Lower-cased on the stack: tags are short.
    llvm::StringRef RawTag = R.Tag;
    llvm::SmallString<64> TagL;
    TagL.resize(RawTag.size());
    for (size_t K = 0; K < RawTag.size(); ++K)
      TagL[K] = llvm::toLower(RawTag[K]);
    llvm::StringRef Tag = TagL;
    if (containsText(Tag, "windowsservercore") || containsText(Tag, "nanoserver") ||
        hasToken(Tag, "slim") || containsText(Tag, "alpine") || containsText(Tag, "distroless"))
      return;
    std::string Suggest, Why;
    std::string Name = Repo.str();
    if (Repo == "debian") {
      // debian has no `slim` tag of its own: the floating one is `stable-slim`.
      Suggest =
          "`debian:" +
          (Tag.empty() || Tag == "latest" ? std::string("stable-slim") : withVariant(Tag, "slim")) +
          "`";
      Why = "carries documentation, locales and tools the final image rarely needs";
    } else if (Repo == "python" || Repo == "ruby") {
      Suggest = "`" + Name + ":" + withVariant(Tag, "slim") + "`";
    } else if (Repo == "node") {
      Suggest = "`node:" + withVariant(Tag, "slim") + "` or `node:" +
                (Tag.empty() || Tag == "latest" ? std::string("alpine")
                                                : withVariant(Tag.split('-').first, "alpine")) +
                "`";
    } else if (Repo == "golang") {
      Suggest = "a multi-stage build: compile in `golang`, then copy the binary into "
                "`gcr.io/distroless/static` or `alpine`";
    } else if (Repo == "eclipse-temurin" || Repo == "openjdk" || Repo == "amazoncorretto") {
      if (hasToken(Tag, "jre"))
        return;
      std::string T = Tag.str();
      size_t J = T.find("jdk");
      if (J != std::string::npos)
        T.replace(J, 3, "jre");
      else
        T = withVariant(Tag, "jre");
      Suggest = Repo == "amazoncorretto"
                    ? "a JRE base such as `eclipse-temurin:<version>-jre`"
                    : "`eclipse-temurin:" + T + "` (a JRE is enough to run the application)";
    } else if (Repo == "php") {
      if (hasToken(Tag, "apache"))
        return;
      Suggest = "`php:" + withVariant(Tag, "alpine") + "`";
    } else {
      return;
    }
    if (Why.empty())
      Why = "is a full image with compilers and build tools the final image does not need";
    C.report(S.ImageRange, "`" + S.ResolvedImage + "` " + Why + "; use " + Suggest);
  }
};

} // namespace

RuleInfo infoBL1051() {
  RuleInfo R;
  R.Id = "BL1051";
  R.DefaultSeverity = Severity::Info;
  R.Cat = Category::Size;
  R.Title = "heavy base image where a slim variant exists";
  return R;
}

BALLAST_RULE_MAKE(BL1051, HeavyBase)

} // namespace ballast::rules
