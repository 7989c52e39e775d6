using Workstation.Portal.Demo;
using Workstation.Portal.Orders;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Review;
using Workstation.Portal.Storage;
using Workstation.Sandbox;

namespace Workstation.IntegrationTests.Review;

public sealed class ReviewDemoSeederTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_demo_configuration_fills_an_empty_store_in_the_background_once()
    {
        await using var sandbox = await SandboxHost.StartAsync(new SandboxOptions { PlatformPort = 0, HisPort = 0, LisPort = 0 }, cancellationToken: Ct);
        var data = Path.Combine(Path.GetTempPath(), "workstation-it-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Demo:ReviewHistory"] = "300" };
        try
        {
            for (var start = 1; start <= 2; start++)
            {
                await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b => PortalFixture.Configure(b, sandbox, data, settings));
                _ = factory.Server;
                var dbFactory = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
                // The seeder runs in the background after start-up; its pass is over when its task is.
                var seeder = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ReviewDemoSeeder>().Single();
                await seeder.ExecuteTask!.WaitAsync(Eventually.Deadline, Ct);
                await using var check = await dbFactory.CreateDbContextAsync(Ct);
                // The second start finds decisions stored and adds none.
                Assert.Equal(300, await check.Decisions.CountAsync(Ct));
                Assert.Equal(20, await check.Decisions.Select(d => d.DepartmentCode).Distinct().CountAsync(Ct));
                // The demo is set in Huizhou: the reports recognised come from hospitals of its platform.
                Assert.All(await check.Decisions.Select(d => d.ReportInstitution).Distinct().ToListAsync(Ct), name => Assert.Matches("^(惠州|惠阳|博罗|惠东)", name));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
