using System.Net;
using System.Net.Sockets;

namespace Workstation.Testing;

/// <summary>Loopback ports nobody listens on, for servers a test starts in another process (nginx, Redis, a portal).</summary>
public static class FreePorts
{
    /// <summary>A port the system just handed out and released.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
