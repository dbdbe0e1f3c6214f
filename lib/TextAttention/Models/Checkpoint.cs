using System.Text.Json;
using TextAttention.IO;
using TextAttention.Text;

namespace TextAttention.Models;

/// <summary>
/// A trained classifier on disk: <c>config.json</c> (sizes, pooling, tokenizer, class names),
/// <c>vocabulary.txt</c> and <c>weights.bin</c> (TorchSharp's format), written so that a reader never
/// sees a half-written checkpoint. Loading rebuilds the same model with the same predictions.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Everything besides the weights that is needed to use the model again.</summary>
    public sealed record Manifest(ClassifierConfig Model, string Tokenizer, IReadOnlyList<string> ClassNames, int MaxLength);

    public static void Save(string folder, BiLstmClassifier model, Vocabulary vocabulary, Manifest manifest)
    {
        Directory.CreateDirectory(folder);
        var weights = Path.Combine(folder, "weights.bin");
        var temporary = Path.Combine(folder, $".weights.{Guid.NewGuid():N}.tmp");
        try
        {
            model.save(temporary);
            File.Move(temporary, weights, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        vocabulary.Save(Path.Combine(folder, "vocabulary.txt"));
        // The manifest goes last: a folder with a manifest is a complete checkpoint.
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(manifest, Json));
    }

    /// <summary>Rebuilds the saved model in evaluation mode, with its vocabulary and manifest.</summary>
    /// <exception cref="FileNotFoundException">The folder is not a checkpoint (no <c>config.json</c>) or lacks its weights.</exception>
    /// <exception cref="InvalidDataException">A file of the checkpoint is damaged or does not fit the others; the message names it.</exception>
    /// <exception cref="DataFormatException">The vocabulary file is damaged; the message names file and line.</exception>
    public static (BiLstmClassifier Model, Vocabulary Vocabulary, Manifest Manifest) Load(string folder)
    {
        var configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"{folder} is not a checkpoint: it has no config.json (train --save DIR writes one folder per run).", configPath);
        }

        Manifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(configPath))
                ?? throw new InvalidDataException($"{configPath}: the file holds no checkpoint manifest.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: not a checkpoint manifest: {e.Message}", e);
        }

        if (manifest.Model is null || manifest.ClassNames is null || manifest.Tokenizer is null)
        {
            throw new InvalidDataException($"{configPath}: the manifest lacks the model, tokenizer or class names.");
        }

        var vocabulary = Vocabulary.Load(Path.Combine(folder, "vocabulary.txt"));
        if (vocabulary.Count != manifest.Model.VocabularySize)
        {
            throw new InvalidDataException($"{folder}: the vocabulary has {vocabulary.Count} tokens but the model was built for {manifest.Model.VocabularySize}.");
        }

        var weights = Path.Combine(folder, "weights.bin");
        if (!File.Exists(weights))
        {
            throw new FileNotFoundException($"{folder}: the checkpoint has no weights.bin.", weights);
        }

        var model = new BiLstmClassifier(manifest.Model);
        try
        {
            model.load(weights);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            model.Dispose();
            throw new InvalidDataException($"{weights}: the weights do not load into a {manifest.Model.Pooling} classifier of this size ({e.Message.Split('\n')[0]}).", e);
        }

        model.eval();
        return (model, vocabulary, manifest);
    }
}
