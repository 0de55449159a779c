// gatehouse-grpc-check: one call to Gatehouse's gRPC door by a real grpc++ client (the generated stubs of our .proto
// files), for the interop tests: the server's own HTTP/2 and gRPC framing meet gRPC's C-core here.
//   gatehouse-grpc-check --target=127.0.0.1:PORT [--ca-file=CA.pem] [--timeout-ms=5000]
//       [--host=app.example.com] [--path=/] [--method=GET] [--scheme=https] [--id=REQUEST-ID] [--cookie=C]
//       [--header='name: value' ...]                 one ext_authz Check
//   gatehouse-grpc-check --target=… --health[=SERVICE]  one grpc.health.v1 Check
//   gatehouse-grpc-check --write-body=FILE [--host=… --path=… --cookie=…]
//       writes the Check request as an HTTP/2 DATA frame carries it (gRPC's 5-byte prefix, then the message), for
//       h2load's --data; nothing is sent.
// Prints one JSON line: {"grpc_status":N,"grpc_message":"…","response_bytes":N,"response":{…} or null}, the
// response in protobuf's JSON mapping with the .proto field names. Exit 0 once that line is printed (whatever the
// gRPC status), 2 on bad arguments, 1 when the body cannot be written.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "envoy/service/auth/v3/external_auth.grpc.pb.h"
#include "health.grpc.pb.h"

namespace {

using envoy::service::auth::v3::Authorization;
using envoy::service::auth::v3::CheckRequest;
using envoy::service::auth::v3::CheckResponse;

struct Args {
    std::map<std::string, std::string> named;
    std::vector<std::pair<std::string, std::string>> headers;  // --header, in order
    bool has(const std::string& name) const { return named.count(name) > 0; }
    std::string get(const std::string& name, std::string fallback = {}) const {
        const auto it = named.find(name);
        return it == named.end() ? fallback : it->second;
    }
};

int usage(const std::string& why) {
    std::fprintf(stderr,
                 "gatehouse-grpc-check: %s\nusage: gatehouse-grpc-check --target=HOST:PORT [--ca-file=F] "
                 "[--health[=SERVICE] | --host=H --path=P --cookie=C --header='n: v' ...] | --write-body=F\n",
                 why.c_str());
    return 2;
}

std::string lower(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// A JSON string literal (the status message is the server's text: quotes and control bytes are escaped).
std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// The request Envoy would send for METHOD scheme://host/path with these headers (its keys lower-case, the
// pseudo-headers included, as Envoy fills attributes.request.http).
CheckRequest check_request(const Args& args) {
    CheckRequest request;
    auto* http = request.mutable_attributes()->mutable_request()->mutable_http();
    const std::string method = args.get("method", "GET");
    const std::string host = args.get("host", "app.example.com");
    const std::string path = args.get("path", "/");
    http->set_id(args.get("id", "grpc-check-client"));
    http->set_method(method);
    http->set_host(host);
    http->set_path(path);
    http->set_scheme(args.get("scheme", "https"));
    http->set_protocol("HTTP/1.1");
    auto& headers = *http->mutable_headers();
    headers[":authority"] = host;
    headers[":method"] = method;
    headers[":path"] = path;
    if (args.has("cookie")) headers["cookie"] = args.get("cookie");
    for (const auto& [name, value] : args.headers) headers[lower(name)] = value;
    return request;
}

int write_body(const Args& args) {
    const std::string message = check_request(args).SerializeAsString();
    std::string body(5, '\0');  // uncompressed flag, then the length big-endian
    for (int i = 0; i < 4; ++i)
        body[static_cast<std::size_t>(1 + i)] = static_cast<char>((message.size() >> (24 - 8 * i)) & 0xff);
    body += message;
    std::ofstream out(args.get("write-body"), std::ios::binary);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.close();
    if (!out) {
        std::fprintf(stderr, "gatehouse-grpc-check: cannot write %s\n", args.get("write-body").c_str());
        return 1;
    }
    return 0;
}

void print_result(const grpc::Status& status, const google::protobuf::Message* response) {
    std::string json = "null";
    std::size_t bytes = 0;
    if (status.ok() && response) {
        google::protobuf::util::JsonPrintOptions options;
        options.preserve_proto_field_names = true;
        json.clear();
        google::protobuf::util::MessageToJsonString(*response, &json, options);
        bytes = response->ByteSizeLong();
    }
    std::printf("{\"grpc_status\":%d,\"grpc_message\":%s,\"response_bytes\":%zu,\"response\":%s}\n",
                static_cast<int>(status.error_code()), json_string(status.error_message()).c_str(), bytes,
                json.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (!a.starts_with("--")) return usage("unexpected argument " + a);
        const auto eq = a.find('=');
        const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const std::string value = eq == std::string::npos ? std::string{} : a.substr(eq + 1);
        if (name == "header") {
            const auto colon = value.find(':');
            if (colon == std::string::npos || colon == 0) return usage("--header wants 'name: value'");
            std::string v = value.substr(colon + 1);
            v.erase(0, v.find_first_not_of(' '));
            args.headers.emplace_back(value.substr(0, colon), v);
        } else {
            args.named[name] = value;
        }
    }
    if (args.has("write-body")) return write_body(args);
    if (!args.has("target")) return usage("--target is required");

    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
    if (args.has("ca-file")) {
        std::ifstream in(args.get("ca-file"));
        std::stringstream pem;
        pem << in.rdbuf();
        if (!in) return usage("cannot read --ca-file " + args.get("ca-file"));
        grpc::SslCredentialsOptions options;
        options.pem_root_certs = pem.str();
        credentials = grpc::SslCredentials(options);
    }
    grpc::ChannelArguments channel_args;
    channel_args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);  // one call means one call
    const auto channel = grpc::CreateCustomChannel(args.get("target"), credentials, channel_args);
    grpc::ClientContext context;
    const int timeout_ms = std::stoi(args.get("timeout-ms", "5000"));
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));

    if (args.has("health")) {
        grpc::health::v1::HealthCheckRequest request;
        request.set_service(args.get("health"));
        grpc::health::v1::HealthCheckResponse response;
        const auto stub = grpc::health::v1::Health::NewStub(channel);
        const grpc::Status status = stub->Check(&context, request, &response);
        print_result(status, &response);
        return 0;
    }
    const CheckRequest request = check_request(args);
    CheckResponse response;
    const auto stub = Authorization::NewStub(channel);
    const grpc::Status status = stub->Check(&context, request, &response);
    print_result(status, &response);
    return 0;
}
