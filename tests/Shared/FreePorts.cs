using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Workstation.Testing;

/// <summary>Loopback ports nobody listens on, for servers a test starts in another process (nginx, Redis, a portal).</summary>
public static class FreePorts
{
    private static readonly ConcurrentDictionary<int, byte> Given = new();

    /// <summary>A free port below the kernel's ephemeral range. A port the system hands out for port 0 comes from that
    /// range, which is also where every outgoing connection takes its local port: on a busy machine (a load test beside
    /// the suite) such a port could be taken again before the process the test starts binds it, and that process fails
    /// to start. The system never hands out a port below the range by itself, so one found free there stays free.</summary>
    public static int Next()
    {
        var (low, high) = Range();
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(low, high);
            if (!Given.TryAdd(port, 0)) continue; // never the same port twice in this process
            if (Free(IPAddress.Loopback, port) && Free(IPAddress.IPv6Loopback, port)) return port; // "localhost" binds both
        }
        throw new InvalidOperationException($"No free loopback port between {low} and {high}.");
    }

    /// <summary>The 12,000 ports below the ephemeral range (/proc/sys/net/ipv4/ip_local_port_range, 32768 by default).</summary>
    private static (int Low, int High) Range()
    {
        var ephemeralLow = 32768;
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (int.TryParse(text[0], out var value) && value > 11_000) ephemeralLow = value;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            // Not Linux: keep the IANA default.
        }
        return (Math.Max(10_000, ephemeralLow - 12_000), ephemeralLow);
    }

    private static bool Free(IPAddress address, int port)
    {
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressFamilyNotSupported or SocketError.AddressNotAvailable)
        {
            return address.AddressFamily == AddressFamily.InterNetworkV6; // no IPv6 here: only IPv4 matters
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
