// gatehouse-grpc-load: a small, bounded load generator for the ext_authz gRPC door.
//   gatehouse-grpc-load --target=127.0.0.1:4181 --cookie='_oauth2_proxy=…' [--seconds=5] [--concurrency=32]
//                       [--channels=4]
// Keeps `concurrency` Check calls in flight over `channels` separate HTTP/2 connections for `seconds`, then
// prints "requests_per_second p99_ms allowed_fraction". Written for the benchmark: wrk cannot speak gRPC.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "envoy/service/auth/v3/external_auth.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using envoy::service::auth::v3::Authorization;
using envoy::service::auth::v3::CheckRequest;
using envoy::service::auth::v3::CheckResponse;

// One in-flight call slot: its calls run one after another, so its counters need no lock.
struct Slot {
    Authorization::Stub* stub = nullptr;
    const CheckRequest* request = nullptr;
    Clock::time_point end;
    std::vector<float> latencies_ms;
    long allowed = 0;
    std::unique_ptr<grpc::ClientContext> context;
    CheckResponse response;
    Clock::time_point started;
};

std::mutex done_mutex;
std::condition_variable done_cv;
int slots_running = 0;

void start_call(Slot& s) {
    s.context = std::make_unique<grpc::ClientContext>();
    s.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    s.response.Clear();
    s.started = Clock::now();
    s.stub->async()->Check(s.context.get(), s.request, &s.response, [&s](grpc::Status status) {
        const auto now = Clock::now();
        s.latencies_ms.push_back(std::chrono::duration<float, std::milli>(now - s.started).count());
        if (status.ok() && s.response.status().code() == 0) ++s.allowed;
        if (now < s.end) return start_call(s);
        std::lock_guard lock(done_mutex);
        if (--slots_running == 0) done_cv.notify_all();
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args{{"seconds", "5"}, {"concurrency", "32"}, {"channels", "4"}, {"print", "rate"}};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto eq = a.find('=');
        if (!a.starts_with("--") || eq == std::string::npos) {
            std::fprintf(stderr, "usage: gatehouse-grpc-load --target=HOST:PORT --cookie=C [--seconds=N ...]\n");
            return 2;
        }
        args[a.substr(2, eq - 2)] = a.substr(eq + 1);
    }
    const int seconds = std::clamp(std::stoi(args["seconds"]), 1, 120);  // bounded by design
    const int concurrency = std::clamp(std::stoi(args["concurrency"]), 1, 1024);
    const int channels = std::clamp(std::stoi(args["channels"]), 1, 64);

    CheckRequest request;
    auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
    http->set_method("GET");
    http->set_host("app537.example.com");
    http->set_path("/reports");
    http->set_scheme("https");
    (*http->mutable_headers())["cookie"] = args["cookie"];
    (*http->mutable_headers())[":authority"] = "app537.example.com";

    // --write-body=FILE: the request as it goes on the wire inside an HTTP/2 DATA frame (gRPC's 5-byte prefix, then
    // the message), for h2load's --data; nothing is sent.
    if (const auto file = args.find("write-body"); file != args.end()) {
        const std::string message = request.SerializeAsString();
        std::string body(5, '\0');
        for (int i = 0; i < 4; ++i) body[static_cast<std::size_t>(1 + i)] = static_cast<char>((message.size() >> (24 - 8 * i)) & 0xff);
        body += message;
        std::FILE* out = std::fopen(file->second.c_str(), "wb");
        if (!out || std::fwrite(body.data(), 1, body.size(), out) != body.size() || std::fclose(out) != 0) {
            std::fprintf(stderr, "gatehouse-grpc-load: cannot write %s\n", file->second.c_str());
            return 1;
        }
        return 0;
    }
    std::vector<std::unique_ptr<Authorization::Stub>> stubs;
    for (int c = 0; c < channels; ++c) {
        grpc::ChannelArguments channel_args;
        channel_args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own per channel
        channel_args.SetInt("gatehouse.bench.channel", c);
        stubs.push_back(Authorization::NewStub(
            grpc::CreateCustomChannel(args["target"], grpc::InsecureChannelCredentials(), channel_args)));
    }
    // Warm-up: one call per channel, so connection set-up is not measured.
    for (auto& stub : stubs) {
        grpc::ClientContext context;
        CheckResponse response;
        if (const auto status = stub->Check(&context, request, &response); !status.ok()) {
            std::fprintf(stderr, "gatehouse-grpc-load: %s\n", status.error_message().c_str());
            return 1;
        }
    }
    std::vector<Slot> slots(static_cast<std::size_t>(concurrency));
    const auto start = Clock::now();
    const auto end = start + std::chrono::seconds(seconds);
    slots_running = concurrency;
    for (int i = 0; i < concurrency; ++i) {
        auto& s = slots[static_cast<std::size_t>(i)];
        s.stub = stubs[static_cast<std::size_t>(i % channels)].get();
        s.request = &request;
        s.end = end;
        s.latencies_ms.reserve(1 << 16);
        start_call(s);
    }
    {
        std::unique_lock lock(done_mutex);
        done_cv.wait(lock, [] { return slots_running == 0; });
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<float> all;
    long allowed = 0;
    for (const auto& s : slots) {
        all.insert(all.end(), s.latencies_ms.begin(), s.latencies_ms.end());
        allowed += s.allowed;
    }
    if (args["print"] == "count") {  // every call the server answered, warm-ups included (instruction counts)
        std::printf("%zu\n", all.size() + stubs.size());
        return 0;
    }
    std::sort(all.begin(), all.end());
    const float p99 = all.empty() ? 0 : all[static_cast<std::size_t>(static_cast<double>(all.size() - 1) * 0.99)];
    std::printf("%.2f %.3f %.4f\n", static_cast<double>(all.size()) / elapsed, static_cast<double>(p99),
                all.empty() ? 0.0 : static_cast<double>(allowed) / static_cast<double>(all.size()));
    return 0;
}
