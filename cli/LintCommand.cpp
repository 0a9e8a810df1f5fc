//===- LintCommand.cpp - `ballast lint` -----------------------------------===//
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/Args.h"
#include "cli/Commands.h"
#include "dockerfile/Ast.h"
#include "report/JsonWriter.h"
#include "report/ReportWriter.h"
#include "rewriter/EditSet.h"
#include "rewriter/Fixer.h"
#include "rules/Engine.h"
#include "rules/Registry.h"
#include "rules/RunCache.h"
#include "rules/ScriptMemo.h"
#include "support/AtomicFile.h"
#include "support/Parallel.h"
#include "support/ReadFiles.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {

const FlagSpec LintFlags[] = {
    {"format", 'f', true, "text, json, sarif, checkstyle, gitlab or github (default text)",
     "FORMAT"},
    {"output", 'o', true, "write the report to FILE instead of standard output", "FILE"},
    {"config", 'c', true, "use this config instead of the nearest .ballast.yaml/.hadolint.yaml",
     "FILE"},
    {"context", 0, true,
     "build context folder for .dockerignore rules (default: the file's folder)", "DIR"},
    {"ignore", 0, true, "ignore a rule by ID or alias (repeatable)", "ID"},
    {"failure-threshold", 't', true,
     "fail on findings at or above: error, warning, info, style, none", "LEVEL"},
    {"no-fail", 0, false, "exit 0 even when findings reach the threshold"},
    {"trusted-registry", 0, true, "a registry FROM may use (repeatable; DL3026)", "HOST"},
    {"shellcheck", 0, true, "check RUN bodies with shellcheck: auto, always or never", "WHEN"},
    {"disable-ignore-pragma", 0, false,
     "ignore `# ballast ignore=` / `# hadolint ignore=` pragmas"},
    {"fix", 0, false, "apply every safe fix in place"},
    {"diff", 0, false, "print the safe fixes as a unified diff instead of writing them"},
    {"unsafe-fixes", 0, false, "with --fix/--diff, also apply fixes that may change behaviour"},
    {"color", 0, false, "force colour (default: when standard output is a terminal)"},
    {"no-color", 0, false, "never use colour"},
    {"help", 'h', false, "show this help"},
};

/// Whether a file met in a folder is a Dockerfile: Dockerfile, Containerfile, NAME.Dockerfile,
/// Dockerfile.NAME and Dockerfile-NAME (and the same of Containerfile), the word capitalised or
/// all lower-case as `docker build` and Podman users write it. A name whose extension says it is
/// something else is not one: a document, a source file or a script about Dockerfiles
/// (Dockerfile.md, dockerfile-parser.js, dockerfile.py), data, a template that needs rendering
/// first, or BuildKit's per-Dockerfile ignore file (Dockerfile.dockerignore). The pre-commit hook
/// (.pre-commit-hooks.yaml) matches the same names: tests/PreCommitTest.cpp holds them in step.
bool isDockerfileName(llvm::StringRef N) {
  size_t Dot = N.rfind('.');
  if (Dot != llvm::StringRef::npos) {
    std::string Ext = N.substr(Dot + 1).lower();
    static const llvm::StringRef NotDockerfiles[] = {
        "dockerignore", "md",   "markdown", "rst",  "adoc", "txt",   "go",     "js",   "mjs",
        "cjs",          "ts",   "jsx",      "tsx",  "py",   "pyc",   "rb",     "rs",   "java",
        "kt",           "c",    "cc",       "cpp",  "h",    "hpp",   "cs",     "php",  "pl",
        "sh",           "bash", "zsh",      "ps1",  "bat",  "json",  "yaml",   "yml",  "toml",
        "ini",          "xml",  "html",     "css",  "j2",   "jinja", "jinja2", "tmpl", "tpl",
        "template",     "erb",  "patch",    "diff", "rej",  "swp"};
    if (llvm::is_contained(NotDockerfiles, Ext))
      return false;
  }
  for (llvm::StringRef Word : {"Dockerfile", "dockerfile", "Containerfile", "containerfile"}) {
    // Dockerfile, Dockerfile.NAME, Dockerfile-NAME
    if (N.startswith(Word) &&
        (N.size() == Word.size() || N[Word.size()] == '.' || N[Word.size()] == '-'))
      return true;
    // NAME.Dockerfile
    if (N.size() > Word.size() + 1 && N.endswith(Word) && N[N.size() - Word.size() - 1] == '.')
      return true;
  }
  return false;
}

/// The Dockerfiles under folder Path, sorted (`.git`, `node_modules` and `.venv` skipped).
llvm::Error collectFolder(llvm::StringRef Path, std::vector<std::string> &Out) {
  std::error_code EC;
  std::vector<std::string> Found;
  for (llvm::sys::fs::recursive_directory_iterator It(Path, EC), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (It->type() == llvm::sys::fs::file_type::directory_file) {
      if (Name == ".git" || Name == "node_modules" || Name == ".venv")
        It.no_push();
      continue;
    }
    if (isDockerfileName(Name))
      Found.push_back(It->path());
  }
  if (EC)
    return makeError(Path + ": " + EC.message());
  std::sort(Found.begin(), Found.end());
  Out.insert(Out.end(), Found.begin(), Found.end());
  return llvm::Error::success();
}

struct FileJob {
  std::string Path;
  bool Read = false; ///< reading was tried (In is set)
  ReadResult In;     ///< the text, or why it could not be read (EISDIR: Path is a folder)
  const rules::Config *Cfg = nullptr; ///< set when the file was read and its config found
  bool LintTried = false;
  std::string ConfigError;        ///< its config cannot be used (a usage error)
  bool ShellCheckMissing = false; ///< its config says `shellcheck: always`; none is installed
  rules::LintResult Result;
  rewriter::FixResult Fixed;
  bool Fails = false; ///< a finding reaches its config's failure threshold
  /// With -f json: Result's findings formatted by the task that linted it, and those of the
  /// files after it that the task linted next (whose own pieces stay empty).
  report::JsonPiece Json;
};

rewriter::Snapshot snapshot(const std::string &Path, const std::string &Text,
                            const rules::Config &Cfg, const rules::LintOptions &Opts) {
  rules::LintResult R = rules::lintText(Path, Text, Cfg, Opts);
  rewriter::Snapshot S;
  S.Parses = !R.ParseFailed;
  dockerfile::Dockerfile DF = dockerfile::parse(Path, Text);
  for (const dockerfile::Instruction &I : DF.Instructions)
    S.InstructionKinds.push_back(I.Keyword);
  S.Findings = std::move(R.Findings);
  return S;
}

/// Whether P names standard input (`-`): a test of the size and one byte, where comparing a
/// std::string with "-" called compare() (about 120 instructions; asked several times a file).
bool isStdin(llvm::StringRef P) { return P.size() == 1 && P.front() == '-'; }

/// The folder of the file P, as llvm::sys::path::parent_path gives it for the paths `lint` is
/// given ("" for a bare name, "/" for a file of the root), without its cost: parent_path walks
/// the whole path component by component (about 540 instructions a file). The last slash is
/// found by memrchr (StringRef::rfind tests one byte a step: about 170 instructions a file).
llvm::StringRef folderOf(llvm::StringRef P) {
  const void *SlashAt = P.empty() ? nullptr : ::memrchr(P.data(), '/', P.size());
  if (!SlashAt)
    return "";
  llvm::StringRef Dir = P.take_front(size_t(static_cast<const char *>(SlashAt) - P.data()));
  while (Dir.size() > 1 && Dir.back() == '/')
    Dir = Dir.drop_back();
  return Dir.empty() ? P.take_front(1) : Dir;
}

} // namespace

int runLint(const std::vector<std::string> &Argv) {
  auto A = Args::parse(Argv, LintFlags);
  if (!A) {
    llvm::errs() << "ballast lint: " << llvm::toString(A.takeError()) << "\n";
    return ExitUsage;
  }
  if (A->flag("help")) {
    llvm::outs() << "usage: ballast lint [OPTIONS] PATH...\n\nLint Dockerfiles. A folder is "
                    "searched for Dockerfile, Containerfile, *.Dockerfile, Dockerfile.* and\n"
                    "Dockerfile-* (not Dockerfile.md, .dockerignore, ...); '-' reads standard "
                    "input.\n\noptions:\n"
                 << flagHelp(LintFlags)
                 << "\nexit status: 0 no finding at or above the threshold, 1 findings, 2 usage "
                    "or input errors\n";
    return ExitOk;
  }
  auto Usage = [](const llvm::Twine &Msg) {
    llvm::errs() << "ballast lint: " << Msg << "\n";
    return ExitUsage;
  };
  report::Format Fmt = report::Format::Text;
  if (auto F = A->get("format")) {
    auto P = report::parseFormat(*F);
    if (!P) {
      std::vector<std::string> Names;
      for (llvm::StringRef N : report::formatNames())
        Names.push_back(N.str());
      auto C = closest(*F, Names);
      return Usage("unknown format '" + *F + "'" +
                   (C ? "; did you mean " + *C + "?"
                      : std::string("; use text, json, sarif, "
                                    "checkstyle, gitlab or github")));
    }
    Fmt = *P;
  }
  std::optional<Severity> Threshold;
  if (auto T = A->get("failure-threshold")) {
    Threshold = parseSeverity(*T);
    if (!Threshold)
      return Usage("unknown failure threshold '" + *T +
                   "'; use error, warning, info, style or none");
  }
  std::string SC = A->get("shellcheck").value_or("");
  if (!SC.empty() && SC != "auto" && SC != "always" && SC != "never")
    return Usage("--shellcheck must be auto, always or never, not '" + SC + "'");
  bool Fix = A->flag("fix"), Diff = A->flag("diff");
  if (A->positional().empty())
    return Usage("no Dockerfile given; usage: ballast lint [OPTIONS] PATH... (see --help)");
  for (const std::string &Id : A->getAll("ignore"))
    if (!rules::findRule(Id) && !llvm::StringRef(Id).startswith("SC"))
      return Usage("--ignore " + Id + ": no such rule; run 'ballast rules' for the list");

  if (Fix && llvm::is_contained(A->positional(), "-"))
    return Usage("--fix cannot rewrite standard input; use --diff");

  std::optional<rules::Config> Explicit;
  if (auto C = A->get("config")) {
    auto Cfg = rules::loadConfig(*C);
    if (!Cfg)
      return Usage(llvm::toString(Cfg.takeError()));
    Explicit = std::move(*Cfg);
  }

  int Exit = ExitOk;
  // The command-line options apply to every config once; files share their folder's config.
  auto Override = [&](rules::Config &Cfg) {
    for (const std::string &Id : A->getAll("ignore"))
      Cfg.Ignored.insert(Id);
    for (const std::string &R : A->getAll("trusted-registry"))
      Cfg.TrustedRegistries.push_back(R);
    if (Threshold)
      Cfg.FailureThreshold = *Threshold;
    if (A->flag("disable-ignore-pragma"))
      Cfg.DisableIgnorePragma = true;
    if (A->flag("no-fail"))
      Cfg.NoFail = true;
    if (!SC.empty())
      Cfg.ShellCheck = SC;
  };
  if (Explicit)
    Override(*Explicit);
  // Config per folder, found once (by whichever lint task asks first). Looking a known folder
  // up takes ConfigLock only briefly; finding a new folder's config (file system lookups up
  // to the root) holds FinderLock, so the other task is not kept waiting meanwhile unless it
  // needs a new folder too.
  std::mutex ConfigLock, FinderLock;
  using FolderConfig = std::map<std::string, rules::Config, std::less<>>;
  FolderConfig ByDir;
  // The folder last looked up and its config (entries of ByDir are never removed): the files
  // of a folder mostly come one after the other, and then neither lock nor search is needed.
  std::atomic<const FolderConfig::value_type *> LastFolder{nullptr};
  // The folders files are read from, each opened and listed once a run (support/ReadFiles.h):
  // the listings also answer the config and build-context lookups of those folders.
  FolderDescriptors Folders;
  rules::ConfigFinder Finder(&Folders);
  auto FindConfig = [&](FileJob &J) {
    if (Explicit) {
      J.Cfg = &*Explicit;
      return;
    }
    llvm::StringRef P = isStdin(J.Path) ? llvm::StringRef("./-") : llvm::StringRef(J.Path);
    llvm::StringRef Dir = folderOf(P);
    if (const FolderConfig::value_type *Last = LastFolder.load(std::memory_order_acquire);
        Last && Last->first == Dir) {
      J.Cfg = &Last->second;
      return;
    }
    auto Known = [&]() -> rules::Config * {
      std::lock_guard<std::mutex> Hold(ConfigLock);
      auto It = ByDir.find(Dir);
      if (It == ByDir.end())
        return nullptr;
      LastFolder.store(&*It, std::memory_order_release);
      return &It->second;
    };
    if ((J.Cfg = Known()))
      return;
    std::lock_guard<std::mutex> Finding(FinderLock);
    if ((J.Cfg = Known())) // found by the other task meanwhile
      return;
    auto Cfg = Finder.find(P);
    if (!Cfg) {
      J.ConfigError = llvm::toString(Cfg.takeError());
      return;
    }
    Override(*Cfg);
    std::lock_guard<std::mutex> Hold(ConfigLock);
    auto It = ByDir.emplace(Dir.str(), std::move(*Cfg)).first;
    LastFolder.store(&*It, std::memory_order_release);
    J.Cfg = &It->second;
  };
  // The PATH is searched only when some file may run ShellCheck.
  std::once_flag ShellCheckSearched;
  bool HaveShellCheck = false;
  auto ShellCheckFor = [&](const rules::Config &C) {
    if (llvm::StringRef(C.ShellCheck) == "never")
      return false;
    std::call_once(ShellCheckSearched, [&] {
      HaveShellCheck = static_cast<bool>(llvm::sys::findProgramByName("shellcheck"));
    });
    return HaveShellCheck;
  };

  bool Unsafe = A->flag("unsafe-fixes");
  auto IsSafe = [Unsafe](const Finding &F) {
    const RuleInfo *R = rules::findRule(F.RuleId);
    return R && (R->Fixes == FixSafety::Safe || (Unsafe && R->Fixes == FixSafety::Unsafe));
  };
  auto MayReshape = [](const Finding &F) {
    const RuleInfo *R = rules::findRule(F.RuleId);
    return R && R->FixReshapes;
  };
  std::string ContextDir = A->get("context").value_or("");
  // Files of one folder share the answers about their build context.
  std::optional<rules::RunCache> Cache(std::in_place, &Folders);
  // And what the rules learnt of the scripts the files share.
  std::optional<rules::ScriptMemo> Memo(std::in_place);
  // A JSON report is formatted file by file in the lint tasks, then joined in order.
  std::optional<report::JsonPieces> Pieces;
  if (Fmt == report::Format::Json)
    Pieces.emplace(rules::catalogue());
  // A file is linted by the task that read it, right after: reading, finding the config and
  // linting run on both cores with no barrier between them.
  auto Lint = [&](FileJob &J) {
    J.LintTried = true;
    if (!J.In.Error.empty())
      return;
    FindConfig(J);
    if (!J.Cfg)
      return;
    rules::LintOptions Opts;
    Opts.ContextDir = ContextDir;
    Opts.ShellCheck = ShellCheckFor(*J.Cfg);
    if (llvm::StringRef(J.Cfg->ShellCheck) == "always" && !Opts.ShellCheck) {
      J.ShellCheckMissing = true;
      return;
    }
    Opts.Cache = &*Cache;
    Opts.Memo = &*Memo;
    // Only the text and SARIF reports print notes.
    Opts.Notes = Fmt == report::Format::Text || Fmt == report::Format::Sarif;
    if (Fix || Diff) {
      J.Fixed = rewriter::fixToFixPoint(
          J.In.Text, [&](const std::string &T) { return snapshot(J.Path, T, *J.Cfg, Opts); },
          IsSafe, MayReshape);
      J.Result = rules::lintText(J.Path, J.Fixed.Text, *J.Cfg, Opts);
    } else {
      // Without --fix/--diff nothing reads the text again: the linter keeps it (no copy).
      J.Result = rules::lintText(J.Path, std::move(J.In.Text), *J.Cfg, Opts);
    }
    const rules::Config &C = *J.Cfg;
    J.Fails = !C.NoFail && C.FailureThreshold != Severity::None &&
              llvm::any_of(J.Result.Findings,
                           [&](const Finding &F) { return F.Sev >= C.FailureThreshold; });
  };
  // The JSON of Run, files a task linted one after another, formatted into one piece held by
  // the first of them (the others' stay empty), in one buffer sized for all their findings: a
  // buffer a file was an allocation and a free each. Formatted in the task, the findings and the
  // sources are freed there too, on both cores and by the thread that made them, not one by one
  // on the main thread at the end.
  auto Format = [&](llvm::MutableArrayRef<FileJob> Run) {
    size_t Findings = 0;
    for (const FileJob &J : Run)
      Findings += J.Result.Findings.size();
    for (FileJob &J : Run) {
      Pieces->append(Run.front().Json, J.Result.Findings, J.Result.Source.get(),
                     /*OneFile=*/true, Findings);
      J.Result.Findings = {};
      J.Result.Source.reset();
    }
  };
  // Every path is read as a file first: a folder shows itself by failing with EISDIR and is
  // replaced by the Dockerfiles in it, so a run of files costs no stat() per path. Standard
  // input is read first, in order (a second `-` gets what the first left). The rest is read a
  // few files a task (support/ReadFiles.h).
  auto ReadAndLint = [&](std::vector<FileJob> &Js) {
    for (FileJob &J : Js)
      if (isStdin(J.Path) && !J.Read) {
        J.Read = true;
        readFiles(llvm::makeArrayRef(&J.Path, 1), llvm::makeMutableArrayRef(&J.In, 1));
      }
    constexpr size_t Chunk = 4;
    forEachIndex((Js.size() + Chunk - 1) / Chunk, [&](size_t C) {
      size_t Begin = C * Chunk, End = std::min(Js.size(), Begin + Chunk);
      llvm::SmallVector<size_t, Chunk> Todo;
      for (size_t I = Begin; I < End; ++I)
        if (!Js[I].Read) {
          Js[I].Read = true;
          Todo.push_back(I);
        }
      readFiles(
          Todo.size(), [&](size_t K) -> const std::string & { return Js[Todo[K]].Path; },
          [&](size_t K) -> ReadResult & { return Js[Todo[K]].In; }, &Folders);
      // A file linted before (a second pass over folders) keeps its piece, and a path that could
      // not be read has none (a folder is replaced by its files in a second pass): the files
      // after either go in another piece (the pieces are joined in the jobs' order).
      size_t RunBegin = Begin;
      auto EndRun = [&](size_t RunEnd) {
        if (Pieces && RunEnd > RunBegin)
          Format(llvm::makeMutableArrayRef(&Js[RunBegin], RunEnd - RunBegin));
      };
      for (size_t I = Begin; I < End; ++I) {
        bool Fresh = !Js[I].LintTried;
        if (Fresh)
          Lint(Js[I]);
        if (!Fresh || !Js[I].In.Error.empty()) {
          EndRun(I);
          RunBegin = I + 1;
        }
      }
      EndRun(End);
    });
  };
  // The paths given, each read as a file and linted; a folder among them is then replaced by
  // the Dockerfiles in it, which are read and linted in a second pass. Without folders (the
  // usual run) the jobs stay where they are: each FileJob is large, and moving hundreds of
  // them into a second vector touched fresh memory for nothing.
  std::vector<FileJob> Jobs;
  {
    std::vector<std::string> Paths = A->takePositional(); // moved, not copied
    Jobs.resize(Paths.size());
    for (size_t I = 0; I < Jobs.size(); ++I)
      Jobs[I].Path = std::move(Paths[I]);
  }
  ReadAndLint(Jobs);
  for (const FileJob &J : Jobs) {
    if (isStdin(J.Path) || J.In.Error.empty() || J.In.Errno == EISDIR)
      continue;
    // A path that does not exist (or cannot be looked up) is a usage error, reported before
    // anything else; one that exists but cannot be read is reported with the findings.
    llvm::sys::fs::file_status St;
    if (std::error_code EC = llvm::sys::fs::status(J.Path, St))
      return Usage(J.Path + ": " + EC.message());
  }
  if (llvm::any_of(Jobs, [](const FileJob &J) { return J.In.Errno == EISDIR; })) {
    std::vector<FileJob> Given = std::move(Jobs);
    Jobs.clear();
    std::vector<std::string> Empty; // the folders given that hold no Dockerfile
    for (FileJob &J : Given) {
      if (isStdin(J.Path) || J.In.Errno != EISDIR) {
        Jobs.push_back(std::move(J));
        continue;
      }
      std::vector<std::string> Found;
      if (llvm::Error E = collectFolder(J.Path, Found))
        return Usage(llvm::toString(std::move(E)));
      if (Found.empty())
        Empty.push_back(J.Path);
      for (std::string &F : Found) {
        Jobs.emplace_back();
        Jobs.back().Path = std::move(F);
      }
    }
    // A run that lints nothing is a mistake (a wrong folder, a typo) that exit 0 would hide, as
    // eslint errs on a pattern that matches nothing; a folder without Dockerfiles among others
    // that have some (`ballast lint services/*`) is only worth a warning.
    for (const std::string &D : Empty)
      llvm::errs() << "ballast lint: " << (Jobs.empty() ? "" : "warning: ") << D
                   << ": no Dockerfile found in this folder (looked for Dockerfile, "
                      "Containerfile, *.Dockerfile, Dockerfile.* and Dockerfile-*)\n";
    if (Jobs.empty())
      return ExitUsage;
    ReadAndLint(Jobs);
  }
  // An unusable config comes first, then a ShellCheck that is required but missing.
  for (const FileJob &J : Jobs)
    if (!J.ConfigError.empty())
      return Usage(J.ConfigError);
  if (llvm::any_of(Jobs, [](const FileJob &J) { return J.ShellCheckMissing; }))
    return Usage("--shellcheck=always but no shellcheck program is installed; install it "
                 "(apt-get install shellcheck) or use --shellcheck=auto");
  for (const auto &[Dir, Cfg] : ByDir)
    for (const Diagnostic &W : Cfg.Warnings)
      llvm::errs() << "ballast lint: warning: " << W.File << ":" << W.Pos.Line << ":"
                   << W.Pos.Column << ": " << W.Message << "\n";

  std::vector<Finding> All;
  report::ReportOptions RO;
  RO.ToolVersion = version();
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  RO.BaseDir = Cwd.str().str();
  std::string DiffText;
  for (FileJob &J : Jobs) {
    if (!J.In.Error.empty()) {
      llvm::errs() << "ballast lint: " << J.In.Error << "\n";
      Exit = ExitUsage;
      continue;
    }
    if (Fix || Diff) {
      if (!J.Fixed.Refused.empty())
        llvm::errs() << "ballast lint: " << J.Path << ": kept a fix back: " << J.Fixed.Refused
                     << "\n";
      if (J.Fixed.Text != J.In.Text) {
        if (Diff) {
          DiffText += rewriter::unifiedDiff(J.Path, J.In.Text, J.Fixed.Text);
        } else if (llvm::Error E = writeFileAtomically(J.Path, J.Fixed.Text)) {
          llvm::errs() << "ballast lint: " << llvm::toString(std::move(E)) << "\n";
          Exit = ExitUsage;
        }
      }
    }
    if (J.Result.ParseFailed)
      Exit = ExitUsage;
    if (J.Result.Source)
      RO.Sources[J.Path] = J.Result.Source.get();
    if (J.Fails && Exit == ExitOk)
      Exit = ExitFindings;
    if (!Pieces)
      std::move(J.Result.Findings.begin(), J.Result.Findings.end(), std::back_inserter(All));
  }

  std::unique_ptr<llvm::raw_fd_ostream> File;
  llvm::raw_ostream *OS = &llvm::outs();
  int OutFd = STDOUT_FILENO; // what OS writes to (a JSON report is written there directly)
  // `-o FILE` for a file (new or regular) is made in memory and put in place atomically
  // (temporary file + rename): a run that fails half-way never leaves a truncated report
  // where the last good one was. A device, a pipe or a FIFO (/dev/null, /dev/stdout) is
  // written in place, as it cannot be replaced.
  std::optional<std::string> OutPath;
  std::string OutText;
  std::optional<llvm::raw_string_ostream> OutString;
  if (auto Out = A->get("output")) {
    struct stat St;
    if (*Out != "-" && (::stat(Out->c_str(), &St) != 0 || S_ISREG(St.st_mode))) {
      OutPath = *Out;
      OutString.emplace(OutText);
      OS = &*OutString;
      OutFd = -1;
    } else {
      if (*Out != "-") {
        OutFd = ::open(Out->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (OutFd < 0)
          return Usage(*Out + ": " + std::error_code(errno, std::generic_category()).message());
      }
      File = std::make_unique<llvm::raw_fd_ostream>(OutFd, /*shouldClose=*/*Out != "-");
      OS = File.get();
    }
  }
  bool Tty = !File && !OutPath && ::isatty(STDOUT_FILENO);
  RO.Color = !A->flag("no-color") && (A->flag("color") || (Tty && !getenv("NO_COLOR")));
  RO.Snippets = Tty;
  if (Diff && Fmt == report::Format::Text) {
    *OS << DiffText;
  } else if (Pieces) {
    std::vector<llvm::StringRef> Texts;
    Texts.reserve(Jobs.size());
    for (const FileJob &J : Jobs)
      Texts.push_back(J.Json.text());
    if (OutPath) {
      report::JsonPieces::write(*OS, Texts);
    } else if (std::error_code EC = report::JsonPieces::write(*OS, OutFd, Texts)) {
      llvm::errs() << "ballast lint: cannot write the report: " << EC.message() << "\n";
      return ExitUsage;
    }
    if (Diff)
      llvm::errs() << DiffText;
  } else {
    report::writeReport(Fmt, *OS, All, rules::catalogue(), RO);
    if (Diff)
      llvm::errs() << DiffText;
  }
  OS->flush();
  if (OutPath) {
    // A new report gets the mode open(0666) would have given it; an existing one keeps its own.
    mode_t Mask = ::umask(0);
    ::umask(Mask);
    if (llvm::Error E = writeFileAtomically(*OutPath, OutText, 0666 & ~Mask)) {
      llvm::errs() << "ballast lint: cannot write the report: " << llvm::toString(std::move(E))
                   << "\n";
      return ExitUsage;
    }
  }
  // The run's shared scripts, what the rules learnt of them and the jobs are freed on both
  // cores at once: one after the other they were most of the main thread's serial tail (about
  // 0.5 M instructions a run, much of it freeing memory the lint tasks allocated).
  forEachIndex(3, [&](size_t I) {
    if (I == 0)
      Cache.reset();
    else if (I == 1)
      Memo.reset();
    else
      std::vector<FileJob>().swap(Jobs);
  });
  return Exit;
}

} // namespace ballast::cli
