//===- Progress.cpp - Per-item progress bars or plain lines ---------------===//
#include "support/Progress.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace ballast {

std::string humanBytes(double B) {
  const char *Units[] = {"B", "kB", "MB", "GB", "TB"};
  int U = 0;
  while (B >= 1000 && U < 4) {
    B /= 1000;
    ++U;
  }
  char Buf[32];
  if (U == 0)
    snprintf(Buf, sizeof Buf, "%.0f%s", B, Units[U]);
  else
    snprintf(Buf, sizeof Buf, "%.*f%s", B < 10 ? 2 : B < 100 ? 1 : 0, B, Units[U]);
  return Buf;
}

static std::string seconds(double S) {
  char Buf[32];
  if (S < 60)
    snprintf(Buf, sizeof Buf, "%.0fs", std::ceil(S));
  else if (S < 3600)
    snprintf(Buf, sizeof Buf, "%dm%02ds", int(S) / 60, int(S) % 60);
  else
    snprintf(Buf, sizeof Buf, "%dh%02dm", int(S) / 3600, int(S) / 60 % 60);
  return Buf;
}

ProgressDisplay::ProgressDisplay(Mode Mo, int F) : M(Mo), Fd(F) {
  if (M == Mode::Auto)
    M = isatty(Fd) ? Mode::Tty : Mode::Plain;
}

ProgressDisplay::~ProgressDisplay() {
  std::lock_guard<std::mutex> L(Mu);
  if (M == Mode::Tty)
    redraw(true);
}

void ProgressDisplay::write(const std::string &S) {
  size_t Off = 0;
  while (Off < S.size()) {
    ssize_t N = ::write(Fd, S.data() + Off, S.size() - Off);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return;
    Off += N;
  }
}

ProgressDisplay::Item *ProgressDisplay::find(llvm::StringRef Id) {
  for (auto &I : Items)
    if (I.Id == Id)
      return &I;
  return nullptr;
}

std::string ProgressDisplay::render(const Item &I) const {
  std::string S = I.Label + ": " + I.Status;
  if (I.Finished || I.Total <= 0)
    return S;
  double Secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - I.Start).count();
  double Rate = Secs > 0 ? I.Done / Secs : 0;
  const int Width = 40;
  int Fill = I.Total ? int(double(I.Done) / I.Total * Width) : 0;
  Fill = std::min(Fill, Width);
  S += " [" + std::string(Fill, '=') + (Fill < Width ? ">" : "") +
       std::string(Width - Fill - (Fill < Width ? 1 : 0), ' ') + "] " + humanBytes(I.Done) + "/" +
       humanBytes(I.Total);
  if (Rate > 0) {
    S += " " + humanBytes(Rate) + "/s";
    if (I.Done < I.Total)
      S += " ETA " + seconds((I.Total - I.Done) / Rate);
  }
  return S;
}

void ProgressDisplay::redraw(bool Force) {
  auto Now = std::chrono::steady_clock::now();
  if (!Force && Now - LastDraw < std::chrono::milliseconds(100))
    return;
  LastDraw = Now;
  std::string Out;
  if (Drawn)
    Out += "\x1b[" + std::to_string(Drawn) + "A";
  for (auto &I : Items)
    Out += "\r\x1b[2K" + render(I) + "\n";
  Drawn = Items.size();
  write(Out);
}

void ProgressDisplay::start(llvm::StringRef Id, llvm::StringRef Label, llvm::StringRef Status,
                            int64_t Total) {
  std::lock_guard<std::mutex> L(Mu);
  if (M == Mode::Quiet)
    return;
  Item *I = find(Id);
  if (!I) {
    Items.push_back(
        {Id.str(), Label.str(), Status.str(), 0, Total, false, std::chrono::steady_clock::now()});
    I = &Items.back();
  }
  if (M == Mode::Plain)
    write(I->Label + ": " + I->Status + (Total > 0 ? " (" + humanBytes(Total) + ")" : "") + "\n");
  else
    redraw(true);
}

void ProgressDisplay::update(llvm::StringRef Id, int64_t Done) {
  std::lock_guard<std::mutex> L(Mu);
  if (M == Mode::Quiet)
    return;
  if (Item *I = find(Id)) {
    I->Done = Done;
    if (M == Mode::Tty)
      redraw(false);
  }
}

void ProgressDisplay::finish(llvm::StringRef Id, llvm::StringRef Status) {
  std::lock_guard<std::mutex> L(Mu);
  if (M == Mode::Quiet)
    return;
  Item *I = find(Id);
  if (!I)
    return;
  I->Finished = true;
  I->Status = Status.str();
  if (M == Mode::Plain) {
    std::string S = I->Label + ": " + I->Status;
    double Secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - I->Start).count();
    if (I->Done > 0 && Secs > 0) {
      char Buf[64];
      snprintf(Buf, sizeof Buf, " in %.1fs", Secs);
      S += " " + humanBytes(I->Done) + Buf + " (" + humanBytes(I->Done / Secs) + "/s)";
    }
    write(S + "\n");
  } else {
    redraw(true);
  }
}

void ProgressDisplay::line(llvm::StringRef Text, bool Always) {
  std::lock_guard<std::mutex> L(Mu);
  if (M == Mode::Quiet && !Always)
    return;
  if (M == Mode::Tty && Drawn) {
    // Print above the bars: move up, write the line, draw the bars again below it.
    write("\x1b[" + std::to_string(Drawn) + "A\r\x1b[2K" + Text.str() + "\n");
    Drawn = Drawn > 0 ? Drawn - 1 : 0;
    std::string Out;
    redraw(true);
    return;
  }
  write(Text.str() + "\n");
}

} // namespace ballast
