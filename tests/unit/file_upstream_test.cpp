// Which file a request names under a file:// upstream, and its Content-Type (proxy/file_upstream.hpp). The
// serving itself is tested through a real directory in tests/integration/reverse_proxy.test.mjs.
#include "proxy/file_upstream.hpp"

#include <gtest/gtest.h>

using gh::proxy::content_type_for;
using gh::proxy::file_relative_path;

TEST(FileUpstream, APathUnderTheRouteNamesAFileInsideTheDirectory) {
    EXPECT_EQ(file_relative_path("/static/app.js", "/static/"), "/app.js");
    EXPECT_EQ(file_relative_path("/static/css/site.css", "/static/"), "/css/site.css");
    EXPECT_EQ(file_relative_path("/static/", "/static/"), "/");
    EXPECT_EQ(file_relative_path("/static", "/static"), "/");
    EXPECT_EQ(file_relative_path("/static/a%20b.txt", "/static/"), "/a b.txt");
    EXPECT_EQ(file_relative_path("/static//a///b", "/static/"), "/a/b") << "empty segments collapse";
    EXPECT_EQ(file_relative_path("/index.html", "/"), "/index.html");
}

TEST(FileUpstream, DotSegmentsNulAndBackslashesAreRefusedEvenWhenEncoded) {
    for (const char* path :
         {"/static/../etc/passwd", "/static/%2e%2e/etc/passwd", "/static/..%2fsecret", "/static/./app.js",
          "/static/a%00b", "/static/..\\x", "/static/%5c..%5cx", "/static/%2E%2E"})
        EXPECT_EQ(file_relative_path(path, "/static/"), "") << path;
    EXPECT_EQ(file_relative_path("/static/..data/file", "/static/"), "/..data/file")
        << "a name that only starts with dots is a name (Kubernetes mounts use ..data)";
}

TEST(FileUpstream, ContentTypesByExtension) {
    EXPECT_EQ(content_type_for("/srv/www/index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(content_type_for("/srv/www/APP.JS"), "text/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("/srv/www/logo.svg"), "image/svg+xml");
    EXPECT_EQ(content_type_for("/srv/www/font.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("/srv/www/archive.tar.gz"), "application/octet-stream");
    EXPECT_EQ(content_type_for("/srv/www.d/README"), "application/octet-stream")
        << "a dot in a directory is no extension";
}
