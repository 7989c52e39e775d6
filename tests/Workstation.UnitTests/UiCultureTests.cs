using Workstation.Portal.Localization;

namespace Workstation.UnitTests;

public sealed class UiCultureTests
{
    [Theory]
    [InlineData("en", "en")]
    [InlineData("EN", "en")]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh", "zh-CN")]
    [InlineData("fr", "zh-CN")]
    [InlineData(null, "zh-CN")]
    public void Parse_falls_back_to_chinese(string? input, string expected) => Assert.Equal(expected, UiCulture.Parse(input).Name);

    [Fact]
    public void Localizer_reads_the_circuit_culture_not_the_thread_culture()
    {
        var culture = new UiCulture();
        var localizer = new UiStringLocalizer<SharedResource>(culture);

        Assert.Equal("检查检验结果互认工作站", localizer["App.Title"].Value);
        culture.Set(UiCulture.English);
        Assert.Equal("Exam & Lab Result Recognition", localizer["App.Title"].Value);
        Assert.True(localizer["No.Such.Key"].ResourceNotFound);
    }

    [Fact]
    public void Every_key_has_an_english_text()
    {
        var zh = new UiStringLocalizer<SharedResource>(new UiCulture()).GetAllStrings(false).ToDictionary(s => s.Name, s => s.Value);
        var english = new UiCulture();
        english.Set(UiCulture.English);
        var en = new UiStringLocalizer<SharedResource>(english).GetAllStrings(false).ToDictionary(s => s.Name, s => s.Value);

        Assert.NotEmpty(zh);
        Assert.Equal(zh.Keys.Order(), en.Keys.Order());
        Assert.All(en, kv => Assert.False(string.IsNullOrWhiteSpace(kv.Value), kv.Key));
    }

    [Fact]
    public void Changed_fires_only_on_a_real_change()
    {
        var culture = new UiCulture();
        var fired = 0;
        culture.Changed += () => fired++;

        culture.Set(UiCulture.Chinese);
        culture.Set(UiCulture.English);
        culture.Set(UiCulture.English);

        Assert.Equal(1, fired);
    }
}
