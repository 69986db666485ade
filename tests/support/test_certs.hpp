#pragma once
// Throwaway TLS material for tests, made with the `openssl` command in a temp folder that
// is removed again: a CA (ca.pem) and a server certificate it signed (cert.pem, key.pem)
// for 127.0.0.1 (CN and subjectAltName IP) and localhost (DNS). A client that trusts
// ca.pem verifies the server by chain and name, as against a real deployment; the server
// certificate alone is not self-signed, so trusting it directly is not what passes.
//
//   iomtsim::testing::TestCerts certs;
//   if (!certs.ok) GTEST_SKIP() << "openssl could not make test certificates";
//   server.tls.cert_file = certs.cert; server.tls.key_file = certs.key;
//   client.ca_file = certs.ca;
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace iomtsim::testing {

struct TestCerts {
  std::string dir, ca, ca_key, cert, key;
  bool ok = false;

  TestCerts() {
    char tmpl[] = "/tmp/iomtsim-certs-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) return;
    dir = tmpl;
    ca = dir + "/ca.pem";
    ca_key = dir + "/ca-key.pem";
    cert = dir + "/cert.pem";
    key = dir + "/key.pem";
    const std::string csr = dir + "/server.csr", ext = dir + "/server.ext";
    {
      std::ofstream e(ext);
      e << "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        << "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n";
    }
    const std::string quiet = " > /dev/null 2>&1";
    ok =
        run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=iomtsim-test-ca -keyout " +
            ca_key + " -out " + ca + quiet) &&
        run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout " + key + " -out " +
            csr + quiet) &&
        run("openssl x509 -req -in " + csr + " -CA " + ca + " -CAkey " + ca_key +
            " -CAcreateserial -days 2 -extfile " + ext + " -out " + cert + quiet);
    // mosquitto started as root drops to its own user before reading TLS files: the
    // throwaway folder and files must be readable by others.
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::permissions(dir,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec,
                    ec);
    for (const auto* f : {&ca, &cert, &key})
      fs::permissions(*f,
                      fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read,
                      ec);
  }
  ~TestCerts() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  TestCerts(const TestCerts&) = delete;
  TestCerts& operator=(const TestCerts&) = delete;

 private:
  static bool run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
};

}  // namespace iomtsim::testing
