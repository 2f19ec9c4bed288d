"""Column sums of equal-length rows of numbers: how sentence figures add up to corpus figures."""


class ColumnSums:
    """Rows are kept and summed in batches with the built-in sum: the loop runs
    in C, in the same left-to-right order as adding them one by one, and
    memory stays bounded.
    """

    _BATCH = 2048

    def __init__(self, width):
        self.width = width
        self.count = 0
        self._rows = []

    def add(self, row):
        self._rows.append(row)
        self.count += 1
        if len(self._rows) >= self._BATCH:
            self._collapse()

    def _collapse(self):
        if len(self._rows) > 1:
            self._rows = [tuple(map(sum, zip(*self._rows)))]

    def totals(self):
        self._collapse()
        return self._rows[0] if self._rows else (0,) * self.width
