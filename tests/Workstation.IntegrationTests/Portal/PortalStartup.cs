using Microsoft.AspNetCore.Builder;
using Workstation.Portal.Hosting;

namespace Workstation.IntegrationTests.Portal;

/// <summary>Starts a portal that must refuse to start, and returns what an operator would read on the console.</summary>
internal static class PortalStartup
{
    /// <summary>Builds and starts the portal with <paramref name="args"/> (with <paramref name="usePortal"/>, its middleware
    /// and endpoints too, as <c>PortalApplication.RunAsync</c> does); asserts that it fails, and that the failure is one
    /// <see cref="PortalApplication.DescribeStartupFailure"/> explains; returns that explanation.</summary>
    public static async Task<string> FailureMessageAsync(string[] args, bool usePortal = false)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = PortalApplication.CreateBuilder(args).Build();
            if (usePortal) app.UsePortal();
            await app.StartAsync(TestContext.Current.CancellationToken);
        });

        var message = PortalApplication.DescribeStartupFailure(ex);
        Assert.NotNull(message);
        return message;
    }
}
