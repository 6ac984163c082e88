package config

import (
	"fmt"
	"net"
	"strconv"
)

// isLoopback reports whether host names this machine: "localhost" or a
// loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// splitHostPort splits "host:port" and checks the port.
func splitHostPort(hostport string) (string, int, error) {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", 0, fmt.Errorf("%q is not host:port", hostport)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("%q: bad port", hostport)
	}
	return host, port, nil
}

// Addr joins a host and a port.
func Addr(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
