using TextAttention.IO;
using TextAttention.Cli;

namespace TextAttention.Tests.Cli;

public sealed class ResultsReportTests
{
    private static string Csv(string? folder = null)
    {
        var path = Path.Combine(folder ?? Directory.CreateTempSubdirectory("textattention-results-").FullName, "comparison-test.csv");
        File.WriteAllLines(path,
        [
            "dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data",
            "agnews,dot-self-unmasked,1,3,0.80,0.79,0.8,,0.97,0123456789ab",
            "agnews,dot-self-unmasked,2,3,0.82,0.81,0.8,,0.97,0123456789ab",
            "agnews,han-unmasked,1,3,0.84,0.83,0.8,,0.97,0123456789ab",
            "agnews,han-unmasked,2,3,0.86,0.85,0.8,,0.97,0123456789ab",
        ]);
        // 100 test items: attention_1 right on the first 80 (seed 1) or 82 (seed 2), attention_2 on the first 84 or 86.
        string Marks(int right) => new string('1', right) + new string('0', 100 - right);
        File.WriteAllLines(TextAttention.Experiments.Results.ItemsPath(path),
        [
            "dataset,pooling,seed,correct,data",
            $"agnews,dot-self-unmasked,1,{Marks(80)},0123456789ab",
            $"agnews,dot-self-unmasked,2,{Marks(82)},0123456789ab",
            $"agnews,han-unmasked,1,{Marks(84)},0123456789ab",
            $"agnews,han-unmasked,2,{Marks(86)},0123456789ab",
        ]);
        return path;
    }

    [Fact]
    public void The_section_shows_mean_and_std_per_pooling_and_the_verdict()
    {
        var figures = new ResultsReport.Figure[] { new("a.png", "first"), new("b.png", "second") };
        var csv = Csv();
        var files = TextAttention.Experiments.Results.Read(csv);

        var markdown = ResultsReport.Markdown(files, ResultsReport.Verdicts(files, TextAttention.Experiments.ComparisonPlan.Full), "results.csv", figures);

        // dot-self-unmasked: mean 0.81, sample std √((0.01² + 0.01²) / 1) = 0.01414 → 81.00 ± 1.41; no learning rate recorded
        Assert.Contains("| agnews | `dot-self-unmasked` | 2 | — | 3.0 | 81.00 ± 1.41 | 80.00 ± 1.41 |", markdown);
        Assert.Contains("| agnews | `han-unmasked` | 2 | — | 3.0 | 85.00 ± 1.41 | 84.00 ± 1.41 |", markdown);
        // Both seeds differ by −4 points on the same items: one comparison in the primary family, A − B = −4.00 pp.
        Assert.Contains("- **agnews**: ", markdown);
        Assert.Contains("dot-self-unmasked − han-unmasked = -4.00 pp", markdown);
        Assert.StartsWith(ResultsReport.Start + "\n![first](a.png)", markdown);
        Assert.True(markdown.IndexOf("![second](b.png)", StringComparison.Ordinal) > markdown.IndexOf("- **agnews**:", StringComparison.Ordinal), "later figures follow the verdict");
    }

    [Fact]
    public void Generating_draws_the_figures_and_links_those_that_exist()
    {
        var root = Directory.CreateTempSubdirectory("textattention-report-").FullName;
        var results = Directory.CreateDirectory(Path.Combine(root, "notebooks", "results")).FullName;
        var csv = Csv(results);
        File.WriteAllLines(Path.Combine(results, "comparison-test.history.csv"),
        [
            "dataset,pooling,seed,epoch,train_loss,validation_loss,validation_accuracy,validation_macro_f1",
            "agnews,dot-self-unmasked,1,1,1.0,0.9,0.70,0.69",
            "agnews,dot-self-unmasked,1,2,0.8,0.7,0.78,0.77",
            "agnews,han-unmasked,1,1,1.0,0.9,0.72,0.71",
            "agnews,han-unmasked,1,2,0.8,0.7,0.80,0.79",
        ]);
        var readme = Path.Combine(root, "README.md");
        File.WriteAllText(readme, $"# Title\n\n{ResultsReport.Start}\n{ResultsReport.End}\n");

        var log = ResultsReport.Generate(readme, csv);

        var text = File.ReadAllText(readme);
        Assert.Contains("| agnews | `han-unmasked` | 2 | — | 3.0 | 85.00 ± 1.41 |", text);
        Assert.Contains("from [`notebooks/results/comparison-test.csv`](notebooks/results/comparison-test.csv)", text);
        var browser = TextAttention.Notebooks.StaticCharts.FindBrowser() is not null;
        foreach (var figure in new[] { "notebooks/figures/forest-test.png", "notebooks/figures/accuracy-test.png", "notebooks/figures/learning-curves-test.png" })
        {
            Assert.Equal(browser, File.Exists(Path.Combine(root, figure)));
            Assert.Equal(browser, text.Contains($"]({figure})", StringComparison.Ordinal));
            if (browser)
            {
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(root, figure))[..4]);
            }
        }

        // No heatmap was saved by notebook 06 here, so none is linked, and the log says why.
        Assert.DoesNotContain("attention-heatmap", text);
        Assert.Contains(log, l => l.StartsWith("no attention heatmap", StringComparison.Ordinal));
    }

    [Fact]
    public void Notebook_07s_table_goes_to_the_results_page_and_the_readme_links_it()
    {
        var root = Directory.CreateTempSubdirectory("textattention-report-").FullName;
        var results = Directory.CreateDirectory(Path.Combine(root, "notebooks", "results")).FullName;
        var csv = Csv(results);
        TextAttention.IO.CsvFile.Write(Path.Combine(results, "explanation-test.summary.csv"), new[]
        {
            new TextAttention.Explanation.ExplanationSummary("agnews", "han-unmasked", TextAttention.Explanation.ExplanationStudy.Comprehensiveness,
                TextAttention.Explanation.Explainer.AttentionMethod, TextAttention.Explanation.ExplanationStudy.Aopc, 0.25, 0.2, 0.3, 2, 400),
        });
        var readme = Path.Combine(root, "README.md");
        File.WriteAllText(readme, $"# Title\n\n{ResultsReport.Start}\n{ResultsReport.End}\n");
        var page = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "docs")).FullName, "results.md");
        File.WriteAllText(page, $"# Results\n\n## Is attention an explanation? (notebook 07)\n\n{ResultsReport.ExplanationStart}\nold\n{ResultsReport.ExplanationEnd}\n\n## After\n");

        var log = ResultsReport.Generate(readme, csv);

        var text = File.ReadAllText(page);
        Assert.Contains("| agnews | `han-unmasked` | 0.25 [0.20, 0.30] |", text);
        Assert.Contains("From [`explanation-test.summary.csv`](../notebooks/results/explanation-test.summary.csv)", text);
        Assert.DoesNotContain("old", text);
        Assert.EndsWith($"{ResultsReport.ExplanationEnd}\n\n## After\n", text);
        Assert.Contains("[docs/results.md](docs/results.md#is-attention-an-explanation-notebook-07)", File.ReadAllText(readme));
        Assert.DoesNotContain("| agnews | `han-unmasked` | 0.25", File.ReadAllText(readme));
        Assert.Contains(log, l => l.StartsWith("rewrote notebook 07's section of docs/results.md", StringComparison.Ordinal));
    }

    [Fact]
    public void The_profile_of_a_results_file_names_its_figures()
    {
        Assert.Equal("full", ResultsReport.ProfileOf("/x/comparison-full.csv"));
        Assert.Equal("mine", ResultsReport.ProfileOf("mine.csv"));
        Assert.Equal("notebooks/figures/accuracy-full.png", ResultsReport.FigurePath("accuracy", "full"));
    }

    [Fact]
    public void Updating_replaces_only_the_marked_section()
    {
        var readme = Path.Combine(Directory.CreateTempSubdirectory("textattention-readme-").FullName, "README.md");
        File.WriteAllText(readme, $"# Title\n\n## Results\n\n{ResultsReport.Start}\nold numbers\n{ResultsReport.End}\n\n## After\n");

        ResultsReport.Update(readme, "<!-- results:start -->\nnew numbers\n" + ResultsReport.End + "\n");

        Assert.Equal($"# Title\n\n## Results\n\n<!-- results:start -->\nnew numbers\n{ResultsReport.End}\n\n## After\n", File.ReadAllText(readme));
    }

    [Fact]
    public void A_readme_without_markers_is_refused_before_any_figure_is_drawn()
    {
        var root = Directory.CreateTempSubdirectory("textattention-readme-").FullName;
        var readme = Path.Combine(root, "README.md");
        File.WriteAllText(readme, "# Title\n");
        var csv = Csv(Directory.CreateDirectory(Path.Combine(root, "notebooks", "results")).FullName);

        Assert.Throws<InvalidDataException>(() => ResultsReport.Update(readme, "x"));
        Assert.Contains("has no results section", Assert.Throws<InvalidDataException>(() => ResultsReport.Generate(readme, csv)).Message);
        Assert.Contains("is a folder", Assert.Throws<InvalidDataException>(() => ResultsReport.Generate(root, csv)).Message);
        Assert.Equal("# Title\n", File.ReadAllText(readme));
        Assert.False(Directory.Exists(Path.Combine(root, "notebooks", "figures")));
    }

    [Fact]
    public void A_csv_without_the_needed_columns_is_named()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-results-").FullName, "other.csv");
        File.WriteAllLines(path, ["a,b", "1,2"]);

        var error = Assert.Throws<DataFormatException>(() => TextAttention.Experiments.Results.Read(path));

        Assert.StartsWith($"{path}:1: no column dataset, pooling, seed, best_epoch, test_accuracy, test_macro_f1, best_validation_accuracy, evidence_mass, real_token_share; " +
                          "a RunRow file has the columns dataset, pooling, seed, best_epoch, test_accuracy, test_macro_f1, best_validation_accuracy, evidence_mass, real_token_share, data, learning_rate", error.Message);
    }

    [Fact]
    public void The_committed_readme_section_is_what_the_committed_results_generate()
    {
        var csv = Repository.Path("notebooks", "results", "comparison-full.csv");
        var figures = ResultsReport.Figures(Repository.Root, "full");

        var files = TextAttention.Experiments.Results.Read(csv);

        var explanationFile = ResultsReport.ExplanationPath(csv);
        var explanation = File.Exists(explanationFile) ? TextAttention.IO.CsvFile.Read<TextAttention.Explanation.ExplanationSummary>(explanationFile) : null;
        var expected = ResultsReport.Markdown(files, ResultsReport.Verdicts(files, TextAttention.Experiments.ComparisonPlan.Full), "notebooks/results/comparison-full.csv", figures,
            linkExplanation: explanation is { Count: > 0 });

        var readme = File.ReadAllText(Repository.Path("README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("<!-- results:start", StringComparison.Ordinal);
        var end = readme.IndexOf(ResultsReport.End, StringComparison.Ordinal) + ResultsReport.End.Length;
        Assert.Equal(expected.TrimEnd('\n'), readme[start..end]);
        // Notebook 07's table lives in docs/results.md, generated the same way, its links one folder up.
        var page = File.ReadAllText(Repository.Path("docs", "results.md")).ReplaceLineEndings("\n");
        var pageStart = page.IndexOf("<!-- explanation:start", StringComparison.Ordinal);
        var pageEnd = page.IndexOf(ResultsReport.ExplanationEnd, StringComparison.Ordinal) + ResultsReport.ExplanationEnd.Length;
        if (explanation is { Count: > 0 })
        {
            var table = ResultsReport.ExplanationMarkdown(explanation, "../notebooks/results/explanation-full.summary.csv",
                ResultsReport.ExplanationFigures(Repository.Root, "full").Select(f => f with { Path = "../" + f.Path }).ToList());
            Assert.Equal(table.TrimEnd('\n'), page[pageStart..pageEnd]);
            Assert.Contains("[docs/results.md](docs/results.md#is-attention-an-explanation-notebook-07)", readme);
        }
        // The forest plot, the accuracies and the learning curves come with the results (notebook 06's heatmap joins them
        // when 06 has run in the full profile).
        Assert.Subset(figures.Select(f => f.Path).ToHashSet(), new[] { "forest", "accuracy", "learning-curves" }.Select(n => ResultsReport.FigurePath(n, "full")).ToHashSet());
        Assert.All(figures, f => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Repository.Path(f.Path))[..4]));
    }
}
