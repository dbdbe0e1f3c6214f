using TextAttention.Experiments;
using TextAttention.IO;

namespace TextAttention.Tests.IO;

/// <summary>Typed results files: exact round trips, and bad files named with their line and column.</summary>
public sealed class CsvFileTests
{
    private static string Temporary(string name) => Path.Combine(Directory.CreateTempSubdirectory("textattention-csv-").FullName, name);

    [Fact]
    public void Rows_round_trip_to_the_last_bit_with_missing_values_kept_missing()
    {
        var path = Temporary("runs.csv");
        RunRow[] rows =
        [
            new("synthetic", "han", 1, 3, 0.1 + 0.2, 2.0 / 3, 0.916, 1.0 / 7, 0.98, "5f1c0e9a7b2d"),
            new("agnews", "dot-self-unmasked", 2, 1, 0.5, 0.25, 0.75, null, 1e-17, "0123456789ab"),
        ];

        CsvFile.Write(path, rows);

        Assert.Equal(rows, CsvFile.Read<RunRow>(path));
        var lines = File.ReadAllLines(path);
        Assert.Equal("dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data,learning_rate,epochs_run,stopped_early,a_row_entropy,a_diagonal_mass,a_column_sum_cv,a_uniform_share,test_file_accuracy", lines[0]);
        Assert.Equal("agnews,dot-self-unmasked,2,1,0.5,0.25,0.75,,1E-17,0123456789ab,,,,,,,,", lines[2]);
    }

    [Fact]
    public void A_file_without_a_needed_column_is_named_with_the_column()
    {
        var path = Temporary("history.csv");
        File.WriteAllText(path, "dataset,pooling,seed,epoch,train_loss\nsynthetic,han,1,1,0.5\n");

        var error = Assert.Throws<DataFormatException>(() => CsvFile.Read<EpochRow>(path));

        Assert.Equal(path, error.FilePath);
        Assert.Equal(1, error.Line);
        Assert.Contains("no column validation_loss, validation_accuracy, validation_macro_f1;", error.Message);
    }

    [Fact]
    public void A_cell_that_does_not_parse_is_named_with_its_line_and_column()
    {
        var path = Temporary("runs.csv");
        File.WriteAllText(path, "dataset,pooling,seed,best_epoch,test_accuracy,test_macro_f1,best_validation_accuracy,evidence_mass,real_token_share,data\n" +
                                "synthetic,han,1,3,0.9,0.9,0.9,,0.98,5f1c0e9a7b2d\n" +
                                "synthetic,han,two,3,0.9,0.9,0.9,,0.98,5f1c0e9a7b2d\n");

        var error = Assert.Throws<DataFormatException>(() => CsvFile.Read<RunRow>(path));

        Assert.Equal(3, error.Line);
        Assert.True(error.Message.Contains("column seed: 'two'", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Temporary("absent.csv");

        var error = Assert.Throws<DataFormatException>(() => CsvFile.Read<RunRow>(path));

        Assert.Equal($"{path}: no such file", error.Message);
    }
}

/// <summary>Rows as data frames for notebooks: one column per CSV column, numbers kept as numbers.</summary>
public sealed class ResultFramesTests
{
    [Fact]
    public void A_frame_has_the_files_columns_in_order_with_typed_values_and_missing_values_kept()
    {
        RunRow[] rows =
        [
            new("synthetic", "han", 1, 3, 0.9, 0.8, 0.85, 0.25, 0.97, "5f1c0e9a7b2d"),
            new("agnews", "mean", 2, 1, 0.5, 0.4, 0.45, null, 0.99, "0123456789ab"),
        ];

        var frame = Results.Frame(rows);

        Assert.Equal(CsvFile.Columns<RunRow>(), frame.Columns.Select(c => c.Name));
        Assert.Equal(typeof(int), frame["seed"].DataType);
        Assert.Equal(typeof(double), frame["test_accuracy"].DataType);
        Assert.Equal(0.9, frame["test_accuracy"][0]);
        Assert.Null(frame["evidence_mass"][1]);
        Assert.Equal("agnews", frame["dataset"][1]);
    }
}
