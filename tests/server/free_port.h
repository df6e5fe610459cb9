// Test helper for the tests that start the real `moneytrail serve`: a loopback TCP port that was
// free a moment ago (bound to port 0, read back, closed). Another process may take it before
// the server binds; the tests retry their connection and fail with the server's log if it did
// not start.
#ifndef MONEYTRAIL_TESTS_SERVER_FREE_PORT_H_
#define MONEYTRAIL_TESTS_SERVER_FREE_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace moneytrail::test_util {

inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace moneytrail::test_util

#endif  // MONEYTRAIL_TESTS_SERVER_FREE_PORT_H_
