# Gatehouse image: build on Debian 12 with its packaged libraries, run on Debian 12 slim with only the shared
# libraries the binary links (checked with ldd), as an unprivileged user with nothing else in the image.
# docker build -t gatehouse .
FROM debian:12 AS build
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      cmake ninja-build g++ pkg-config libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev \
      libgtest-dev libyaml-cpp-dev libhiredis-dev libnghttp2-dev libprotobuf-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY src ./src
COPY tests ./tests
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
    && cmake --build build --target gatehouse \
    && strip --strip-debug build/src/gatehouse

FROM debian:12-slim
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      ca-certificates libssl3 libhiredis0.14 libnghttp2-14 libprotobuf32 libspdlog1.10 libfmt9 libyaml-cpp0.7 \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/src/gatehouse /usr/local/bin/gatehouse
# Deployments that name oauth2-proxy's binary (command: ["/bin/oauth2-proxy"]) start Gatehouse unchanged.
RUN ln -s /usr/local/bin/gatehouse /bin/oauth2-proxy
# The distroless convention for "nonroot"; the Kubernetes manifests run as the same IDs.
USER 65532:65532
EXPOSE 4180 4181
ENTRYPOINT ["/usr/local/bin/gatehouse"]
