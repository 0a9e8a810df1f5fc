//===- ScriptMemo.cpp -----------------------------------------------------===//
#include "rules/ScriptMemo.h"

namespace ballast::rules {

ScriptMemo::ScriptMemo() : Table(new Entry[TableSize]) {}

ScriptMemo::~ScriptMemo() = default;

ScriptFacts &ScriptMemo::facts(const shell::Script *S) {
  // Scripts are at least 16-byte aligned objects: the bits above those mix into the slot.
  auto P = reinterpret_cast<uintptr_t>(S);
  size_t H = size_t((P >> 4) ^ (P >> 15)) * 0x9E3779B97F4A7C15ull >> 32;
  for (unsigned Probe = 0; Probe < MaxProbes; ++Probe) {
    Entry &E = Table[(H + Probe) % TableSize];
    const shell::Script *K = E.Key.load(std::memory_order_acquire);
    if (K == S)
      return E.Facts;
    if (!K) {
      // Claim it; a thread that claimed it first for S gives the same entry.
      if (E.Key.compare_exchange_strong(K, S, std::memory_order_acq_rel) || K == S)
        return E.Facts;
    }
  }
  std::lock_guard<std::mutex> Lock(Mu);
  ScriptFacts *&F = Index[S];
  if (!F)
    F = &Store.emplace_back();
  return *F;
}

const MemoData *ScriptMemo::keep(ScriptFacts &F, DataSlot Slot, std::unique_ptr<MemoData> D) {
  const MemoData *Expected = nullptr;
  if (!F.Data[unsigned(Slot)].compare_exchange_strong(Expected, D.get(), std::memory_order_acq_rel))
    return Expected;
  std::lock_guard<std::mutex> Lock(Mu);
  Kept.push_back(std::move(D));
  return Kept.back().get();
}

} // namespace ballast::rules
