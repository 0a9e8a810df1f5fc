//===- Subprocess.cpp -----------------------------------------------------===//
#include "support/Subprocess.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/Errors.h"

extern char **environ;

namespace ballast {

namespace {
struct Fd {
  int F = -1;
  ~Fd() { reset(); }
  void reset() {
    if (F >= 0)
      ::close(F);
    F = -1;
  }
};
} // namespace

llvm::Expected<ProcessResult> runProcess(const std::vector<std::string> &Argv,
                                         const std::string &Input) {
  if (Argv.empty())
    return makeError("runProcess: no program given");
  int In[2], Out[2], Err[2];
  if (::pipe2(In, O_CLOEXEC) || ::pipe2(Out, O_CLOEXEC) || ::pipe2(Err, O_CLOEXEC))
    return makeError(llvm::Twine("cannot create pipes: ") + std::strerror(errno));
  Fd InR{In[0]}, InW{In[1]}, OutR{Out[0]}, OutW{Out[1]}, ErrR{Err[0]}, ErrW{Err[1]};
  posix_spawn_file_actions_t FA;
  posix_spawn_file_actions_init(&FA);
  posix_spawn_file_actions_adddup2(&FA, In[0], 0);
  posix_spawn_file_actions_adddup2(&FA, Out[1], 1);
  posix_spawn_file_actions_adddup2(&FA, Err[1], 2);
  std::vector<char *> Args;
  Args.reserve(Argv.size() + 1);
  for (const std::string &A : Argv)
    Args.push_back(const_cast<char *>(A.c_str()));
  Args.push_back(nullptr);
  pid_t Pid;
  int RC = ::posix_spawnp(&Pid, Args[0], &FA, nullptr, Args.data(), environ);
  posix_spawn_file_actions_destroy(&FA);
  if (RC != 0)
    return makeError("cannot run " + Argv[0] + ": " + std::strerror(RC));
  InR.reset();
  OutW.reset();
  ErrW.reset();
  ::fcntl(InW.F, F_SETFL, O_NONBLOCK);
  // SIGPIPE from a child that exits early must not kill us (set once: threads share it).
  static const bool IgnoredSigpipe = (::signal(SIGPIPE, SIG_IGN), true);
  (void)IgnoredSigpipe;
  ProcessResult R;
  size_t Written = 0;
  if (Input.empty())
    InW.reset();
  char Buf[65536];
  while (OutR.F >= 0 || ErrR.F >= 0) {
    pollfd P[3];
    int N = 0;
    if (InW.F >= 0)
      P[N++] = {InW.F, POLLOUT, 0};
    if (OutR.F >= 0)
      P[N++] = {OutR.F, POLLIN, 0};
    if (ErrR.F >= 0)
      P[N++] = {ErrR.F, POLLIN, 0};
    if (::poll(P, N, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    for (int K = 0; K < N; ++K) {
      if (!P[K].revents)
        continue;
      if (P[K].fd == InW.F) {
        ssize_t W = ::write(InW.F, Input.data() + Written, Input.size() - Written);
        if (W > 0)
          Written += size_t(W);
        if (W < 0 && errno != EAGAIN)
          InW.reset();
        if (Written == Input.size())
          InW.reset();
        continue;
      }
      Fd &Src = P[K].fd == OutR.F ? OutR : ErrR;
      ssize_t Got = ::read(Src.F, Buf, sizeof Buf);
      if (Got > 0)
        (P[K].fd == OutR.F ? R.Out : R.Err).append(Buf, size_t(Got));
      else if (Got == 0 || errno != EINTR)
        Src.reset();
    }
  }
  InW.reset();
  int St = 0;
  while (::waitpid(Pid, &St, 0) < 0 && errno == EINTR) {
  }
  R.ExitCode = WIFEXITED(St) ? WEXITSTATUS(St) : -1;
  return R;
}

} // namespace ballast
