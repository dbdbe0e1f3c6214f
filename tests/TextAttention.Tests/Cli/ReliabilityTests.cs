using System.Diagnostics;
using System.Text;
using TextAttention.Experiments;
using TextAttention.Inference;

namespace TextAttention.Tests.Cli;

/// <summary>
/// The command line and the run store under faults and bad input, one case at a time: nothing the project did not
/// write is deleted, nothing damaged passes as a result, and every bad input is one line on standard error, named,
/// before any work.
/// </summary>
[Collection("training")]
public sealed class ReliabilityTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("textattention-faults-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A tiny labelled CSV: 90 texts of three classes, each told apart by one word.</summary>
    private string Dataset(string name = "tiny.csv", Func<int, string>? extra = null)
    {
        string[] words = ["alpha", "beta", "gamma"];
        var lines = Enumerable.Range(0, 90).Select(i => $"\"{words[i % 3]} filler{i % 7} more{i % 5} words {extra?.Invoke(i) ?? ""}\",{words[i % 3]}");
        var path = Path.Combine(folder, name);
        File.WriteAllLines(path, ["text,label", .. lines]);
        return path;
    }

    private static readonly string[] Tiny = ["--epochs", "1", "--embedding", "8", "--hidden", "8", "--lr", "0.01", "--jobs", "1"];

    private static void OneLine(int exitCode, string error, string expected)
    {
        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("   at ", error);   // no stack trace
        Assert.DoesNotContain("Unhandled exception", error);
    }

    // 1. --fresh never deletes what the project did not write, and checks everything first.
    [Fact]
    public void Fresh_refuses_a_folder_that_holds_other_files_and_deletes_nothing()
    {
        var runs = Directory.CreateDirectory(Path.Combine(folder, "x")).FullName;
        File.WriteAllText(Path.Combine(runs, "thesis.tex"), "keep");

        var missing = CommandLine.Invoke(["train", "--dataset", "/nonexistent.csv", "--runs", runs, "--fresh", .. Tiny]);
        var foreign = CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean", "--seeds", "1", "--runs", runs, "--fresh", .. Tiny]);

        OneLine(missing.ExitCode, missing.Error, "'/nonexistent.csv' is neither a corpus");
        OneLine(foreign.ExitCode, foreign.Error, "holds files that are not runs (thesis.tex), so --fresh will not clear it");
        Assert.Equal("keep", File.ReadAllText(Path.Combine(runs, "thesis.tex")));
    }

    [Fact]
    public void Fresh_clears_the_runs_it_recognises_and_leaves_the_folder()
    {
        var runs = Path.Combine(folder, "runs");
        string[] train = ["train", "--dataset", Dataset(), "--pooling", "mean", "--seeds", "1", "--runs", runs, .. Tiny];
        Assert.Equal(0, CommandLine.Invoke(train).ExitCode);
        var stored = Directory.EnumerateFiles(runs, "*.json", SearchOption.AllDirectories).Single();

        var again = CommandLine.Invoke([.. train, "--fresh"]);

        Assert.True(again.ExitCode == 0, again.Error);
        Assert.True(File.Exists(stored));   // trained again into the same place
        Assert.DoesNotContain("already in the run store", again.Output);
    }

    [Fact]
    public void Fresh_clears_nothing_when_the_data_fails_its_checks()
    {
        var runs = Path.Combine(folder, "runs");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean", "--seeds", "1", "--runs", runs, .. Tiny]).ExitCode);
        var stored = Directory.EnumerateFiles(runs, "*.json", SearchOption.AllDirectories).Single();
        var twoRows = Path.Combine(folder, "two.csv");
        File.WriteAllLines(twoRows, ["text,label", "alpha words,alpha", "beta words,beta"]);

        var (exitCode, _, error) = CommandLine.Invoke(["train", "--dataset", twoRows, "--pooling", "mean", "--seeds", "1", "--runs", runs, "--fresh", .. Tiny]);

        OneLine(exitCode, error, "split is empty");
        Assert.True(File.Exists(stored));
    }

    // 2. A save that fails leaves the old checkpoint whole.
    [Fact]
    public void A_failed_save_over_a_checkpoint_leaves_the_old_one_loadable_and_unchanged()
    {
        var save = Path.Combine(folder, "checkpoints");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "han", "--seeds", "1", "--save", save, .. Tiny]).ExitCode);
        var checkpoint = Path.Combine(save, "tiny-han-seed1");
        var before = Directory.GetFiles(checkpoint).Order().Select(File.ReadAllBytes).ToList();
        var predictor = Predictor.FromCheckpoint(checkpoint);

        // A vocabulary that cannot be written (a lone surrogate has no UTF-8 form) makes the save fail half-way.
        var broken = TextAttention.Text.Vocabulary.Build([["\uD83D", "\uD83D"]]);
        Assert.ThrowsAny<Exception>(() => TextAttention.Models.Checkpoint.Save(checkpoint, predictor.Model, broken,
            new TextAttention.Models.Checkpoint.Manifest(predictor.Model.Config, predictor.Tokenizer.Name, predictor.ClassNames, predictor.MaxLength)));

        Assert.Equal(before, Directory.GetFiles(checkpoint).Order().Select(File.ReadAllBytes).ToList());
        Assert.Equal(predictor.Predict("alpha words").Probabilities, Predictor.FromCheckpoint(checkpoint).Predict("alpha words").Probabilities);
        Assert.Single(Directory.GetFileSystemEntries(save));   // no staging folder left behind
    }

    // 3. Emoji train, save, reload and print.
    [Fact]
    public void Emoji_train_save_reload_and_print_whole()
    {
        var data = Dataset("emoji.csv", i => i % 3 == 0 ? "😀😀 🇫🇷" : i % 3 == 1 ? "👍🏽 café" : "漢字𠀋");
        var save = Path.Combine(folder, "checkpoints");

        var trained = CommandLine.Invoke(["train", "--dataset", data, "--pooling", "han", "--seeds", "1", "--save", save, .. Tiny]);
        var predicted = CommandLine.Invoke("predict", "--checkpoint", Path.Combine(save, "emoji-han-seed1"), "alpha 😀😀 👍🏽 café 𠀋");

        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.True(predicted.ExitCode == 0, predicted.Error);
        Assert.Contains("😀:", predicted.Output);
        Assert.Contains("👍🏽:", predicted.Output);
        Assert.Contains("𠀋:", predicted.Output);
        Assert.DoesNotContain("\uFFFD", predicted.Output);
    }

    // 4. A damaged import is refused with nothing overwritten.
    [Fact]
    public void Importing_a_store_with_a_damaged_or_foreign_file_copies_nothing()
    {
        var runs = Path.Combine(folder, "runs");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean,han", "--seeds", "1", "--runs", runs, .. Tiny]).ExitCode);
        var shard = Path.Combine(folder, "shard");
        CopyFolder(runs, shard);
        var files = Directory.EnumerateFiles(shard, "*.json", SearchOption.AllDirectories).Order().ToList();
        File.WriteAllText(files[0], File.ReadAllText(files[0])[..100]);   // truncated
        var target = new RunStore(Path.Combine(folder, "target"));
        CopyFolder(runs, target.Directory);
        var before = Directory.EnumerateFiles(target.Directory, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllText).ToList();

        var truncated = Assert.Throws<InvalidDataException>(() => target.Import(new RunStore(shard)));
        File.WriteAllText(Path.Combine(shard, "notes.txt"), "mine");
        var foreign = Assert.Throws<InvalidDataException>(() => target.Import(new RunStore(shard)));

        // The command checks every import before it clears or copies anything, --fresh included.
        var command = CommandLine.Invoke("grid", "--profile", "ci", "--corpora", "synthetic", "--runs", target.Directory, "--fresh", "--import", shard, "--jobs", "1");

        Assert.Contains(files[0], truncated.Message);
        Assert.Contains("nothing was imported", truncated.Message);
        Assert.Contains("notes.txt", foreign.Message);
        OneLine(command.ExitCode, command.Error, "notes.txt");
        Assert.Equal(before, Directory.EnumerateFiles(target.Directory, "*", SearchOption.AllDirectories).Order().Select(File.ReadAllText).ToList());
    }

    // 5. Damaged weights are refused with the file named.
    [Fact]
    public void Weights_with_flipped_bytes_are_refused_with_the_file_named()
    {
        var save = Path.Combine(folder, "checkpoints");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "han", "--seeds", "1", "--save", save, .. Tiny]).ExitCode);
        var weights = Path.Combine(save, "tiny-han-seed1", "weights.bin");
        var bytes = File.ReadAllBytes(weights);
        // The middle of the file lies in the parameters' values (the names and shapes are a few hundred bytes); 0xFFFFFFFF is
        // a NaN however the four bytes fall on a float32.
        bytes.AsSpan(bytes.Length / 2, 64).Fill(0xFF);

        File.WriteAllBytes(weights, bytes);

        var (exitCode, _, error) = CommandLine.Invoke("predict", "--checkpoint", Path.Combine(save, "tiny-han-seed1"), "alpha words");

        OneLine(exitCode, error, weights);
        Assert.Contains("not finite numbers", error);

        // Bytes flipped in the parameters' names: refused with the file named, and the message stays printable.
        bytes.AsSpan(bytes.Length - 400, 400).Fill(0xC3);
        File.WriteAllBytes(weights, bytes);
        var (namesExit, _, namesError) = CommandLine.Invoke("predict", "--checkpoint", Path.Combine(save, "tiny-han-seed1"), "alpha words");
        OneLine(namesExit, namesError, weights);
        Assert.DoesNotContain(namesError.TrimEnd(), c => char.IsControl(c) || c == '\uFFFD');
    }

    // 6. Invalid settings and data are refused before any training.
    [Theory]
    [InlineData("--lr NaN", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--lr Infinity", "--lr must be 'tune' or a number in (0, 1]")]
    [InlineData("--seeds 1,1", "--seeds: seed 1 is listed twice")]
    [InlineData("--pooling mean,mean", "--pooling: a pooling is listed twice")]
    // 7. Unparsable values are one line through the parser's own error path.
    [InlineData("--epochs abc", "Cannot parse argument 'abc' for option '--epochs'")]
    [InlineData("--epochs 99999999999", "Cannot parse argument '99999999999' for option '--epochs'")]
    [InlineData("--hidden 1.5", "Cannot parse argument '1.5' for option '--hidden'")]
    [InlineData("--jobs abc", "Cannot parse argument 'abc' for option '--jobs'")]
    [InlineData("--epochs 0", "--epochs must be a whole number from 1 to 10,000")]
    [InlineData("--dataset .", "is a folder; give a corpus name")]
    public void Bad_train_options_are_one_line_before_any_work(string options, string message)
    {
        var (exitCode, _, error) = CommandLine.Invoke(["train", .. options.Split(' ')]);

        OneLine(exitCode, error, message);
    }

    [Theory]
    [InlineData("grid --jobs abc", "Cannot parse argument 'abc' for option '--jobs'")]
    [InlineData("grid --profile fast", "fast")]
    [InlineData("grid --corpora imdb", "'imdb' is not a corpus of any study")]
    [InlineData("grid --study everything", "everything")]
    [InlineData("grid --corpora tweets --no-download", "not a corpus of this plan: tweets")]
    [InlineData("predict --checkpoint x --top abc", "Cannot parse argument 'abc' for option '--top'")]
    [InlineData("explain --checkpoint x --max-steps 0", "--max-steps must be a whole number from 1")]
    public void Bad_options_of_other_commands_are_one_line(string commandLine, string message)
    {
        var (exitCode, _, error) = CommandLine.Invoke(commandLine.Split(' '));

        OneLine(exitCode, error, message);
    }

    [Fact]
    public void A_file_too_small_for_three_splits_is_refused_before_training()
    {
        var path = Path.Combine(folder, "two.csv");
        File.WriteAllLines(path, ["text,label", "good film,pos", "bad film,neg"]);

        var (exitCode, _, error) = CommandLine.Invoke(["train", "--dataset", path, "--pooling", "mean", "--seeds", "1", .. Tiny]);

        OneLine(exitCode, error, "split is empty");
    }

    // 8 and 11. Output locations are checked first, and named.
    [Theory]
    [InlineData("--out", "file/results.csv", "--out:")]
    [InlineData("--runs", "file", "--runs:")]
    [InlineData("--save", "file", "--save:")]
    [InlineData("--runs", "/proc/textattention-runs", "--runs:")]
    [InlineData("--out", "/proc/textattention-results.csv", "--out:")]
    public void An_output_that_cannot_be_written_is_named_before_training(string option, string where, string named)
    {
        File.WriteAllText(Path.Combine(folder, "file"), "a file, not a folder");
        var path = where.StartsWith('/') ? where : Path.Combine(folder, where);

        var clock = Stopwatch.StartNew();
        var (exitCode, output, error) = CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean", "--seeds", "1", option, path, .. Tiny]);

        OneLine(exitCode, error, named);
        Assert.Contains(where.StartsWith('/') ? "/proc" : Path.Combine(folder, "file"), error);   // the path that fails, with the option
        Assert.DoesNotContain("test accuracy", output);   // nothing was trained
    }

    [Fact]
    public void Results_checks_its_readme_before_drawing_and_needs_a_checkout_for_its_defaults()
    {
        var readmeFolder = Directory.CreateDirectory(Path.Combine(folder, "readme.md")).FullName;
        var csv = Path.Combine(folder, "comparison-x.csv");
        File.WriteAllLines(csv, ["dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share", "a,mean,1,1,0.5,0.5,0.5,,1"]);
        var plain = Path.Combine(folder, "README.md");
        File.WriteAllText(plain, "# no markers\n");

        var folderReadme = CommandLine.Invoke("results", "--csv", csv, "--readme", readmeFolder);
        var noMarkers = CommandLine.Invoke("results", "--csv", csv, "--readme", plain);
        var outside = Environment.CurrentDirectory;
        string outsideError;
        try
        {
            Environment.CurrentDirectory = folder;
            outsideError = CommandLine.Invoke("results").Error;
        }
        finally
        {
            Environment.CurrentDirectory = outside;
        }

        OneLine(folderReadme.ExitCode, folderReadme.Error, "is a folder");
        OneLine(noMarkers.ExitCode, noMarkers.Error, "has no results section");
        Assert.False(Directory.Exists(Path.Combine(folder, "notebooks")));   // nothing drawn
        Assert.Contains("is not inside a checkout of this project", outsideError);
    }

    // 9. Hostile files are bounded; predict checks its checkpoint before reading standard input.
    [Fact]
    public void A_huge_quoted_field_fails_fast_with_its_line()
    {
        var path = Path.Combine(folder, "huge.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("text,label");
            writer.WriteLine("fine,a");
            writer.Write("\"");
            for (var i = 0; i < 200_000; i++)
            {
                writer.WriteLine("a line of a field that never closes, sixty characters long");
            }
        }

        var clock = Stopwatch.StartNew();
        var (exitCode, _, error) = CommandLine.Invoke(["train", "--dataset", path, .. Tiny]);

        OneLine(exitCode, error, $"{path}:3:");
        Assert.Contains("quoted field", error);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Predict_fails_on_a_missing_checkpoint_without_waiting_for_standard_input()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TextAttention.Cli.dll");
        var info = new ProcessStartInfo("dotnet", [cli, "predict", "--checkpoint", "/nonexistent"]) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;   // standard input stays open and empty

        var finished = process.WaitForExit(TimeSpan.FromSeconds(60));
        if (!finished)
        {
            process.Kill();
        }

        Assert.True(finished, "predict waited for standard input");
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("/nonexistent does not exist", process.StandardError.ReadToEnd());
    }

    // 10. One store, one grid: a second grid with workers is refused with a message, and the first finishes.
    [Fact]
    public async Task A_second_grid_on_a_store_in_use_is_refused_and_the_first_trains_every_run_once()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TextAttention.Cli.dll");
        var runs = Path.Combine(folder, "runs");
        string[] train = ["train", "--dataset", Dataset(), "--pooling", "mean,han", "--seeds", "1,2", "--runs", runs, "--epochs", "3", "--embedding", "8", "--hidden", "8", "--lr", "0.01", "--jobs", "2"];
        var info = new ProcessStartInfo("dotnet", [cli, .. train]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var first = Process.Start(info)!;
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        var firstError = first.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(runs, "grid.lock")) && clock.Elapsed < TimeSpan.FromMinutes(2) && !first.HasExited)
        {
            Thread.Sleep(50);
        }

        var second = CommandLine.Invoke(train);
        await first.WaitForExitAsync();
        var output = await firstOutput;
        var errors = await firstError;

        Assert.True(first.ExitCode == 0, $"the first grid failed ({first.ExitCode}):\n{output}\n{errors}\nthe second said: {second.Error}");
        OneLine(second.ExitCode, second.Error, "is in use by another grid");
        Assert.Equal(4, Directory.EnumerateFiles(runs, "*.json", SearchOption.AllDirectories).Count());
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains("test accuracy", StringComparison.Ordinal)));
    }

    // 12. A bad config.json names its file and field.
    [Theory]
    [InlineData("\"Pooling\": \"han\"", "\"Pooling\": \"attention-3\"", "the field Model.Pooling is 'attention-3'")]
    [InlineData("\"Tokenizer\": \"english-words\"", "\"Tokenizer\": \"klingon\"", "the field Tokenizer is 'klingon'")]
    [InlineData("\"HiddenSize\": 8", "\"HiddenSize\": -3", "the field Model.HiddenSize is -3")]
    public void A_bad_checkpoint_setting_names_the_file_and_field(string good, string bad, string message)
    {
        var save = Path.Combine(folder, "checkpoints");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "han", "--seeds", "1", "--save", save, .. Tiny]).ExitCode);
        var config = Path.Combine(save, "tiny-han-seed1", "config.json");
        Assert.Contains(good, File.ReadAllText(config));
        File.WriteAllText(config, File.ReadAllText(config).Replace(good, bad, StringComparison.Ordinal));

        var (exitCode, _, error) = CommandLine.Invoke("predict", "--checkpoint", Path.GetDirectoryName(config)!, "alpha");

        OneLine(exitCode, error, $"{config}: {message}");
    }

    // 14. Smaller cases.
    [Fact]
    public void A_long_text_is_said_to_be_cut_and_control_characters_are_not_echoed()
    {
        var save = Path.Combine(folder, "checkpoints");
        Assert.Equal(0, CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "han", "--seeds", "1", "--save", save, .. Tiny]).ExitCode);

        var (exitCode, output, _) = CommandLine.Invoke("predict", "--checkpoint", Path.Combine(save, "tiny-han-seed1"), string.Join(' ', Enumerable.Repeat("alpha", 70)) + "\u001b[31m\u0007");

        Assert.Equal(0, exitCode);
        Assert.Contains("the model reads at most 64 tokens; the last", output);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("\\u001b", output);
    }

    [Fact]
    public void A_shard_writes_results_only_once_the_study_is_complete()
    {
        var runs = Path.Combine(folder, "runs");
        var out1 = Path.Combine(folder, "s.csv");
        var shard = CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean,han", "--seeds", "1", "--runs", runs, "--shard", "2/2", "--out", out1, .. Tiny]);
        var noStore = CommandLine.Invoke(["train", "--dataset", Dataset(), "--pooling", "mean", "--seeds", "1", "--shard", "1/2", .. Tiny]);

        Assert.True(shard.ExitCode == 0, shard.Error);
        Assert.Contains("shard 2/2 has trained its part", shard.Output);
        Assert.False(File.Exists(out1));
        OneLine(noStore.ExitCode, noStore.Error, "--shard needs --runs");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
