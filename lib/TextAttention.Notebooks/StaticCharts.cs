using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.ImageExport;

namespace TextAttention.Notebooks;

/// <summary>
/// PNG copies of Plotly charts, for readers who see a notebook on GitHub, which strips the
/// scripts that draw interactive charts. Plotly.NET.ImageExport renders the chart in a local
/// headless Chromium; plotly.js is embedded in the page, so no network is needed.
/// </summary>
public static class StaticCharts
{
    /// <summary>Path of a Chromium or Chrome executable, when it is not in a usual place.</summary>
    public const string BrowserVariable = "TEXTATTENTION_CHROMIUM";

    private static readonly object Gate = new();

    /// <summary>The browser to render with, or null when none is installed.</summary>
    /// <param name="environment">Reads environment variables; the process environment when null.</param>
    public static string? FindBrowser(Func<string, string?>? environment = null)
    {
        var configured = (environment ?? Environment.GetEnvironmentVariable)(BrowserVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new FileNotFoundException($"{BrowserVariable}={configured}, but there is no such file.", configured);
        }

        string[] candidates =
        [
            "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/Applications/Chromium.app/Contents/MacOS/Chromium",
            @"C:\Program Files\Google\Chrome\Application\chrome.exe",
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// The chart as PNG bytes of the given size, or null when no browser is installed (the caller
    /// then shows only the interactive chart). Rendering failures throw.
    /// </summary>
    public static byte[]? TryRenderPng(GenericChart chart, int width = 720, int height = 440)
    {
        var browser = FindBrowser();
        if (browser is null)
        {
            return null;
        }

        // F# optional arguments: null stands for "not given".
        var embedPlotlyJs = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full));
        var selfContained = Chart.withDisplayOptions(embedPlotlyJs).Invoke(chart);
        lock (Gate)
        {
            // The renderer reads these process-wide settings when it launches the browser.
            PuppeteerSharpRendererOptions.localBrowserExecutablePath = FSharpOption<string>.Some(browser);
            var launch = PuppeteerSharpRendererOptions.launchOptions;
            launch.Headless = true;
            launch.Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];
            IGenericChartRenderer renderer = new PuppeteerSharpRenderer();
            var dataUri = renderer.RenderPNG(width, height, 1.0, selfContained);
            return Convert.FromBase64String(dataUri[(dataUri.IndexOf(',') + 1)..]);
        }
    }

    /// <summary>
    /// Renders the chart and writes the PNG to <paramref name="path"/> atomically (creating its folder);
    /// false, with nothing written, when no browser is installed.
    /// </summary>
    public static bool TrySavePng(GenericChart chart, string path, int width = 720, int height = 440)
    {
        var png = TryRenderPng(chart, width, height);
        if (png is null)
        {
            return false;
        }

        TextAttention.IO.AtomicFile.Write(path, stream => stream.Write(png));
        return true;
    }
}
