//===- Args.cpp -----------------------------------------------------------===//
#include "cli/Args.h"

#include "support/Errors.h"

namespace ballast::cli {

llvm::Expected<Args> Args::parse(llvm::ArrayRef<std::string> Argv, llvm::ArrayRef<FlagSpec> Specs) {
  Args A;
  A.Positional.reserve(Argv.size()); // `ballast lint` may be given hundreds of paths
  auto FindLong = [&](llvm::StringRef N) -> const FlagSpec * {
    for (const FlagSpec &S : Specs)
      if (S.Long == N)
        return &S;
    return nullptr;
  };
  auto FindShort = [&](char C) -> const FlagSpec * {
    for (const FlagSpec &S : Specs)
      if (S.Short && S.Short == C)
        return &S;
    return nullptr;
  };
  auto Unknown = [&](llvm::StringRef Flag) {
    std::vector<std::string> Names;
    for (const FlagSpec &S : Specs)
      Names.push_back("--" + S.Long);
    std::string Msg = "unknown flag: " + Flag.str();
    if (auto C = closest(Flag.split('=').first, Names))
      Msg += "; did you mean " + *C + "?";
    else
      Msg += "; see --help";
    return makeError(Msg);
  };
  for (size_t I = 0; I < Argv.size(); ++I) {
    llvm::StringRef W = Argv[I];
    if (W == "--") {
      for (++I; I < Argv.size(); ++I)
        A.Positional.push_back(Argv[I]);
      break;
    }
    if (W.startswith("--")) {
      auto [Name, Val] = W.drop_front(2).split('=');
      const FlagSpec *S = FindLong(Name);
      if (!S)
        return Unknown(W);
      bool HasEq = W.contains('=');
      if (S->TakesValue && !HasEq) {
        if (I + 1 >= Argv.size())
          return makeError("flag needs an argument: --" + Name);
        A.Values[S->Long].push_back(Argv[++I]);
      } else {
        A.Values[S->Long].push_back(HasEq ? Val.str() : "");
      }
      continue;
    }
    if (W.size() > 1 && W[0] == '-') {
      for (size_t K = 1; K < W.size(); ++K) {
        const FlagSpec *S = FindShort(W[K]);
        if (!S)
          return Unknown(("-" + W.substr(K, 1)).str());
        if (S->TakesValue) {
          llvm::StringRef Rest = W.drop_front(K + 1);
          Rest.consume_front("=");
          if (!Rest.empty())
            A.Values[S->Long].push_back(Rest.str());
          else if (I + 1 < Argv.size())
            A.Values[S->Long].push_back(Argv[++I]);
          else
            return makeError("flag needs an argument: -" + std::string(1, W[K]));
          break;
        }
        A.Values[S->Long].push_back("");
      }
      continue;
    }
    A.Positional.push_back(W.str());
  }
  return A;
}

std::optional<std::string> Args::get(llvm::StringRef Long) const {
  auto It = Values.find(Long.str());
  if (It == Values.end() || It->second.empty())
    return std::nullopt;
  return It->second.back();
}

std::vector<std::string> Args::getAll(llvm::StringRef Long) const {
  auto It = Values.find(Long.str());
  return It == Values.end() ? std::vector<std::string>{} : It->second;
}

bool Args::flag(llvm::StringRef Long) const {
  auto V = get(Long);
  if (!V)
    return false;
  return *V != "false" && *V != "0";
}

std::optional<std::string> closest(llvm::StringRef Word, llvm::ArrayRef<std::string> Candidates) {
  std::optional<std::string> Best;
  unsigned BestD = 3;
  for (const std::string &C : Candidates) {
    unsigned D = Word.edit_distance(C, true, BestD);
    if (D < BestD) {
      BestD = D;
      Best = C;
    }
  }
  return Best;
}

std::string flagHelp(llvm::ArrayRef<FlagSpec> Specs) {
  std::string O;
  for (const FlagSpec &S : Specs) {
    std::string L = "  ";
    L += S.Short ? std::string("-") + S.Short + ", " : "    ";
    L += "--" + S.Long;
    if (S.TakesValue)
      L += " " + S.ValueName;
    if (L.size() < 34)
      L.append(34 - L.size(), ' ');
    else
      L += "  ";
    O += L + S.Help + "\n";
  }
  return O;
}

} // namespace ballast::cli
