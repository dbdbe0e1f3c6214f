using TextAttention.Attention;

namespace TextAttention.Models;

/// <summary>The sizes and pooling of a <see cref="BiLstmClassifier"/>; saved with every checkpoint.</summary>
/// <param name="VocabularySize">Rows of the embedding, including &lt;pad&gt; (id 0) and &lt;unk&gt;.</param>
/// <param name="Classes">K, the number of output classes.</param>
/// <param name="EmbeddingSize">E.</param>
/// <param name="HiddenSize">H per direction; the encoder's outputs have width D = 2H.</param>
/// <param name="Pooling">A name from <see cref="Poolings.Names"/>.</param>
/// <param name="Dropout">Applied to the embeddings and to the pooled vector.</param>
/// <param name="Heads">Heads of the <c>mhsa</c> pooling.</param>
public sealed record ClassifierConfig(
    int VocabularySize,
    int Classes,
    int EmbeddingSize = 64,
    int HiddenSize = 64,
    string Pooling = "han",
    double Dropout = 0.2,
    int Heads = 4);
