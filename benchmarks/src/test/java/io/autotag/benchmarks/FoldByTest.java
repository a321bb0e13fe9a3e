package io.autotag.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The two ways {@link ModelEvaluation.CrossValidation} splits the tuning photos: by package (what
 * chooses: it sees the tuning part as a held-out part from new packages would) and by photo (the
 * diagnostic).
 */
class FoldByTest {

  /** Photos in id order, {@code sizes[k]} of them from package k. */
  private static List<ModelEvaluation.Result> photos(int... sizes) {
    List<ModelEvaluation.Result> results = new ArrayList<>();
    int id = 0;
    for (int k = 0; k < sizes.length; k++) {
      for (int i = 0; i < sizes[k]; i++) {
        id++;
        ModelEvaluation.Photo photo =
            new ModelEvaluation.Photo(
                String.format("p%03d", id),
                "pkg" + k,
                "/x.jpg",
                "0",
                "a photo",
                Set.of(),
                false,
                Path.of("x.jpg"));
        results.add(new ModelEvaluation.Result(photo, List.of()));
      }
    }
    return results;
  }

  @Test
  void packageFoldsNeverSplitAPackageAndStayBalanced() {
    List<ModelEvaluation.Result> sorted = photos(40, 30, 12, 10, 9, 8, 5, 5, 3, 2, 1);

    int[] fold = ModelEvaluation.FoldBy.PACKAGE.folds(sorted);

    Map<String, Set<Integer>> foldsOfPackage = new HashMap<>();
    int[] size = new int[ModelEvaluation.FOLDS];
    for (int i = 0; i < fold.length; i++) {
      foldsOfPackage
          .computeIfAbsent(sorted.get(i).photo().pkg(), k -> new HashSet<>())
          .add(fold[i]);
      size[fold[i]]++;
    }
    assertThat(foldsOfPackage.values()).allSatisfy(f -> assertThat(f).hasSize(1));
    // Largest first to the smallest fold: the two big packages alone, the small ones spread over
    // the other three folds, none left empty.
    assertThat(size).contains(40, 30).doesNotContain(0);
  }

  @Test
  void photoFoldsPutEveryPackageInEveryFold() {
    List<ModelEvaluation.Result> sorted = photos(10, 10);

    int[] fold = ModelEvaluation.FoldBy.PHOTO.folds(sorted);

    Set<Integer> foldsOfFirst = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      foldsOfFirst.add(fold[i]);
    }
    assertThat(foldsOfFirst).hasSize(ModelEvaluation.FOLDS);
  }
}
