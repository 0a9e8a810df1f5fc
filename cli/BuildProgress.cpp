//===- BuildProgress.cpp - BuildKit's tty display for `ballast build` -----===//
//
// See BuildProgress.h. Colours and layout follow BuildKit's progressui: finished steps blue,
// failed ones red, output lines faint, times right-aligned at the terminal's width.
//
//===----------------------------------------------------------------------===//
#include "cli/BuildProgress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::cli {

namespace {
constexpr const char *Blue = "\x1b[34m";
constexpr const char *Red = "\x1b[31m";
constexpr const char *Faint = "\x1b[2m";
constexpr const char *Reset = "\x1b[0m";

std::string seconds(std::chrono::steady_clock::duration D) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << llvm::format("%.1fs", std::chrono::duration<double>(D).count());
  return OS.str();
}

/// Text made safe for one screen line: control characters become spaces, cut to Max bytes at
/// a UTF-8 character boundary.
std::string fit(llvm::StringRef Text, size_t Max) {
  std::string S;
  for (char C : Text)
    S += (static_cast<unsigned char>(C) < 0x20 || C == 0x7f) ? ' ' : C;
  if (S.size() > Max) {
    size_t N = Max;
    while (N > 0 && (static_cast<unsigned char>(S[N]) & 0xC0) == 0x80)
      --N;
    S.resize(N);
  }
  return S;
}

/// `Left ... Right` padded to Width - 1 columns (the last column stays free, so the terminal
/// never wraps).
std::string row(llvm::StringRef Left, llvm::StringRef Right, unsigned Width) {
  size_t Avail = Width > Right.size() + 2 ? Width - 1 - Right.size() - 1 : 0;
  std::string L = fit(Left, Avail);
  std::string Pad(Avail - L.size() + 1, ' ');
  return L + Pad + Right.str();
}

void writeAll(int Fd, const std::string &S) {
  size_t Off = 0;
  while (Off < S.size()) {
    ssize_t N = ::write(Fd, S.data() + Off, S.size() - Off);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return;
    Off += size_t(N);
  }
}

unsigned terminalHeight(int Fd) {
  struct winsize W = {};
  if (::ioctl(Fd, TIOCGWINSZ, &W) == 0 && W.ws_row > 0)
    return W.ws_row;
  return 24;
}
} // namespace

unsigned terminalWidth(int Fd) {
  struct winsize W = {};
  if (::ioctl(Fd, TIOCGWINSZ, &W) == 0 && W.ws_col > 0)
    return W.ws_col;
  return 80;
}

BuildProgressTty::BuildProgressTty(int Fd)
    : Fd(Fd), Begin(std::chrono::steady_clock::now()), LastDraw(Begin) {
  Timer = std::thread([this] { tick(); });
}

BuildProgressTty::~BuildProgressTty() {
  {
    std::lock_guard<std::mutex> G(Mu);
    Stopping = true;
  }
  Cv.notify_all();
  if (Timer.joinable())
    Timer.join();
}

void BuildProgressTty::tick() {
  std::unique_lock<std::mutex> L(Mu);
  while (!Stopping) {
    Cv.wait_for(L, std::chrono::milliseconds(100));
    if (!Stopping && !Finished)
      redraw(false);
  }
}

void BuildProgressTty::line(llvm::StringRef Line) {
  std::lock_guard<std::mutex> G(Mu);
  auto Now = std::chrono::steady_clock::now();
  unsigned Id = 0;
  llvm::StringRef Rest;
  if (Line.startswith("#")) {
    auto [Num, Text] = Line.drop_front().split(' ');
    if (!Num.getAsInteger(10, Id))
      Rest = Text;
    else
      Id = 0;
  }
  if (Id == 0) {
    // Not a step's line: warnings and a failed step's summary, printed after the display.
    if (Line.startswith(" > ") && Line.endswith(":"))
      FailedTitle = Line.drop_front(3).drop_back().str();
    Messages.push_back(Line.str());
    return;
  }
  auto It = ById.find(Id);
  if (It == ById.end()) {
    Step S;
    S.Title = Rest.str();
    S.Start = Now;
    ById[Id] = Steps.size();
    Steps.push_back(std::move(S));
  } else {
    Step &S = Steps[It->second];
    llvm::StringRef Secs = Rest;
    bool Done =
        Rest == "DONE" ||
        (Secs.consume_front("DONE ") && Secs.endswith("s") &&
         llvm::all_of(Secs.drop_back(), [](char C) { return llvm::isDigit(C) || C == '.'; }));
    if (S.St == State::Running && Rest == "CACHED") {
      S.St = State::Cached;
      S.End = Now;
    } else if (S.St == State::Running && Done) {
      S.St = State::Done;
      S.End = Now;
    } else if (!llvm::StringRef(S.Title).startswith("[")) {
      S.Status.push_back(Rest.str());
    } else {
      S.Tail.push_back(Rest.str());
      if (S.Tail.size() > TailLines)
        S.Tail.erase(S.Tail.begin());
    }
  }
  if (Now - LastDraw >= std::chrono::milliseconds(100))
    redraw(false);
}

std::vector<std::string> BuildProgressTty::render(bool Final) const {
  unsigned Width = terminalWidth(Fd);
  auto Now = std::chrono::steady_clock::now();
  size_t NDone = 0;
  for (const Step &S : Steps)
    NDone += S.St != State::Running ? 1 : 0;
  std::vector<std::string> Out;
  std::string Head = "[+] Building " + seconds(Now - Begin) + " (" + std::to_string(NDone) + "/" +
                     std::to_string(Steps.size()) + ")" + (Final ? " FINISHED" : "");
  Out.push_back(fit(Head, Width - 1));
  for (const Step &S : Steps) {
    std::string Prefix = " => ";
    const char *Colour = "";
    switch (S.St) {
    case State::Running: break;
    case State::Done: Colour = Blue; break;
    case State::Cached:
      Colour = Blue;
      Prefix += "CACHED ";
      break;
    case State::Error:
      Colour = Red;
      Prefix += "ERROR ";
      break;
    case State::Canceled:
      Colour = Red;
      Prefix += "CANCELED ";
      break;
    }
    auto End = S.St == State::Running ? Now : S.End;
    std::string Line = row(Prefix + S.Title, seconds(End - S.Start), Width);
    Out.push_back(*Colour ? Colour + Line + Reset : Line);
    for (const std::string &St : S.Status)
      Out.push_back(*Colour ? Colour + row(" => => " + St, "", Width) + Reset
                            : row(" => => " + St, "", Width));
    if (S.St == State::Running || S.St == State::Error)
      for (const std::string &T : S.Tail)
        Out.push_back(Faint + fit(" => => # " + T, Width - 1) + Reset);
  }
  return Out;
}

void BuildProgressTty::redraw(bool Final) {
  std::vector<std::string> Lines = render(Final);
  if (!Final) {
    // Live screens fit the terminal (cursor-up cannot reach above it): the oldest finished
    // steps go first, like BuildKit's.
    size_t Max = terminalHeight(Fd) > 2 ? terminalHeight(Fd) - 2 : 1;
    if (Lines.size() > Max)
      Lines.erase(Lines.begin() + 1, Lines.begin() + 1 + long(Lines.size() - Max));
  }
  std::string S;
  if (Drawn)
    S += "\x1b[" + std::to_string(Drawn) + "A";
  for (const std::string &L : Lines)
    S += "\r\x1b[2K" + L + "\n";
  S += "\x1b[J"; // erase what an earlier, taller screen left below
  writeAll(Fd, S);
  Drawn = Lines.size();
  LastDraw = std::chrono::steady_clock::now();
}

void BuildProgressTty::finish(bool Ok) {
  {
    std::lock_guard<std::mutex> G(Mu);
    Stopping = true;
  }
  Cv.notify_all();
  if (Timer.joinable())
    Timer.join();
  std::lock_guard<std::mutex> G(Mu);
  if (Finished)
    return;
  Finished = true;
  auto Now = std::chrono::steady_clock::now();
  for (Step &S : Steps) {
    if (S.St != State::Running)
      continue;
    S.End = Now;
    if (Ok)
      S.St = State::Done; // the export step ends with the build
    else
      S.St = FailedTitle.empty() || S.Title == FailedTitle ? State::Error : State::Canceled;
  }
  redraw(true);
  std::string Rest;
  for (const std::string &M : Messages)
    Rest += M + "\n";
  writeAll(Fd, Rest);
}

} // namespace ballast::cli
