using MudBlazor;

namespace Workstation.Portal.Components.Layout;

/// <summary>One theme for every layout: calm clinical blue, system CJK fonts (no web fonts: HIS PCs are often offline).</summary>
internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0b5fa5",
            Secondary = "#00897b",
            Success = "#2e7d32",
            // Text-on-colour and colour-on-white both at least 4.5:1 (WCAG 2 AA, checked by axe-core in the e2e suite).
            Warning = "#8a5300",
            Info = "#1565c0",
            // Labels and secondary text readable on the page background too (MudBlazor's default is 4.48:1 there).
            TextSecondary = "#55606e",
            Error = "#c62828",
            AppbarBackground = "#0b5fa5",
            Background = "#f5f7fa",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["\"PingFang SC\"", "\"Microsoft YaHei\"", "\"Noto Sans CJK SC\"", "\"WenQuanYi Zen Hei\"", "system-ui", "sans-serif"],
            },
            // Buttons keep their case: "3 recognisable reports", not shouting capitals.
            Button = new ButtonTypography { TextTransform = "none" },
        },
    };
}
