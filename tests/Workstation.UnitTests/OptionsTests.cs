using System.ComponentModel.DataAnnotations;
using Workstation.Platform;
using Workstation.Portal.Hosting;

namespace Workstation.UnitTests;

public sealed class OptionsTests
{
    private static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    private static HisOptions His(params string[] origins) => new()
    {
        Clients =
        [
            new HisClientOptions
            {
                Id = "his-1", Name = "HIS", ApiKey = new string('k', 16), LaunchSecret = new string('s', 32), Origins = [.. origins],
            },
        ],
    };

    [Fact]
    public void A_plain_origin_is_accepted() => Assert.Empty(Validate(His("https://his.hospital.example:8443")));

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.hospital.example")]
    [InlineData("https://his.hospital.example/path")]
    [InlineData("https://his.hospital.example/")]
    [InlineData("his.hospital.example")]
    [InlineData("ftp://his.hospital.example")]
    public void Wildcards_paths_and_non_http_origins_are_refused(string origin)
    {
        var errors = Validate(His(origin));

        Assert.Contains(errors, e => e.ErrorMessage!.Contains("His:Clients:0:Origins"));
    }

    [Fact]
    public void Two_clients_with_one_id_are_refused()
    {
        var his = His("https://a.example");
        his.Clients.Add(his.Clients[0]);

        Assert.Contains(Validate(his), e => e.ErrorMessage!.Contains("used twice"));
    }

    [Fact]
    public void The_attempt_timeout_cannot_exceed_the_budget_a_doctor_waits()
    {
        var options = new PlatformOptions
        {
            BaseUrl = new Uri("https://platform.example/"), Username = "u", Password = "p",
            RequestBudget = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.FromSeconds(2),
        };

        Assert.Contains(Validate(options), e => e.ErrorMessage!.Contains("AttemptTimeout"));
    }

    [Fact]
    public void The_default_budget_is_two_seconds() => Assert.Equal(TimeSpan.FromSeconds(2), new PlatformOptions().RequestBudget);
}
