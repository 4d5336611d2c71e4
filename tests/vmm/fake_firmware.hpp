// Test fake for the board's secure firmware behind a vmm::FirmwareConduit: keeps every call
// and answers success with x1..x3 each plus one, so a caller can check what came back.
#pragma once

#include <vmm/smc_forwarder.hpp>

#include <vector>

namespace vmm::test {

class FakeFirmware final : public FirmwareConduit {
public:
    std::vector<SmcccCall> calls;
    SmcccResult forward(const SmcccCall& call) override {
        calls.push_back(call);
        SmcccResult r;
        r.result = 0;
        r.extra_results = 3;
        r.more = {call.x1 + 1, call.x2 + 1, call.x3 + 1};
        return r;
    }
};

} // namespace vmm::test
