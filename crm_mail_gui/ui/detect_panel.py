"""The detection part of the form: the ISPDB and plain-HTTP switches, the live list, "Use this"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crm_mail_gui.ui.detect_view import DetectView, Row
from crm_mail_gui.ui.fields import WrapLabel

LIST_MIN_HEIGHT = 120  # about six rows: the sources answer within seconds, the list scrolls


class DetectPanel(QFrame):
    """Below the user name: what detection asked and found, and the choice of a candidate.

    A candidate whose server is foreign (outside the address's domain and the known providers)
    is marked in its row; choosing it shows the warning first, and only the button (not a
    double-click) then uses it.

    Plain HTTP for the autoconfig files is the user's choice for one lookup: the box starts
    unticked, counts for the detection started next, and is unticked again when that one ends.
    It is never remembered.

    Signals:
        useRequested(object): the Row whose candidate is to fill the form.
        ispdbToggled(bool): the ISPDB switch changed (the window remembers it).
    """

    useRequested = Signal(object)
    ispdbToggled = Signal(bool)

    def __init__(self, ispdb: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detectPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.view = DetectView()
        self.rows: list[Row] = []
        self.read_only = False  # while a test runs
        self.ispdbCheck = QCheckBox(self.tr("Also ask Thunderbird's ISPDB"))
        self.ispdbCheck.setObjectName("detectIspdbCheck")
        self.ispdbCheck.setChecked(ispdb)
        self.ispdbNote = self._label("detectIspdbNote")
        self.ispdbNote.setText(
            self.tr(
                "Only the domain of the address (the part after @) is sent to the ISPDB "
                "(autoconfig.thunderbird.net); everything else is asked of the domain's own "
                "servers and DNS."
            )
        )
        self.allowHttpCheck = QCheckBox(self.tr("Allow plain HTTP for this lookup"))
        self.allowHttpCheck.setObjectName("detectAllowHttpCheck")
        self.allowHttpCheck.setToolTip(
            self.tr(
                "Also ask for the autoconfig file over unencrypted HTTP when HTTPS cannot be "
                "reached. Anyone on the way can change such an answer. Only for the next "
                "detection: the box is unticked again when it ends."
            )
        )
        self._looking_up = False  # a detection runs (the plain-HTTP choice is taken)
        self.statusLabel = self._label("detectStatus")
        self.detectResults = QListWidget()
        self.detectResults.setObjectName("detectResults")
        self.detectResults.setMinimumHeight(LIST_MIN_HEIGHT)
        self.detectResults.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.detectResults.setWordWrap(True)
        self.foreignWarning = self._label("detectForeignWarning")
        self.foreignWarning.setStyleSheet("font-weight: bold;")
        self.foreignWarning.hide()
        self.useButton = QPushButton(self.tr("Use this setting"))
        self.useButton.setObjectName("useCandidateButton")
        self.useButton.setEnabled(False)
        self.originLabel = self._label("detectOrigin")
        self.originLabel.hide()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.useButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.ispdbCheck)
        layout.addWidget(self.ispdbNote)
        layout.addWidget(self.allowHttpCheck)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.detectResults)
        layout.addWidget(self.foreignWarning)
        layout.addLayout(buttons)
        layout.addWidget(self.originLabel)

        self.ispdbCheck.toggled.connect(self.ispdbToggled)
        self.detectResults.currentRowChanged.connect(self._selection_changed)
        self.detectResults.itemDoubleClicked.connect(self._double_clicked)
        self.useButton.clicked.connect(self._use_clicked)

    @staticmethod
    def _label(name: str) -> WrapLabel:
        label = WrapLabel()
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)  # texts from DNS and servers
        return label

    def focus_chain(self) -> tuple[QWidget, ...]:
        """The panel's focusable widgets in the order they are laid out."""
        return (self.ispdbCheck, self.allowHttpCheck, self.detectResults, self.useButton)

    @property
    def ispdb(self) -> bool:
        """True when the ISPDB is to be asked."""
        return self.ispdbCheck.isChecked()

    def begin_lookup(self) -> bool:
        """A detection starts: True if plain HTTP is allowed for it (the box is then locked)."""
        self._looking_up = True
        self.allowHttpCheck.setEnabled(False)
        return self.allowHttpCheck.isChecked()

    def end_lookup(self) -> None:
        """The detection ended (or none runs): plain HTTP is unticked for the next one."""
        self._looking_up = False
        self.allowHttpCheck.setChecked(False)
        self.allowHttpCheck.setEnabled(not self.read_only)

    # -- the list ------------------------------------------------------------------------
    def reset(self, status: str = "") -> None:
        """Empty the list for a new detection."""
        self.rows = []
        self.detectResults.clear()
        self.originLabel.hide()
        self.foreignWarning.hide()
        self.useButton.setEnabled(False)
        self.set_status(status)

    def set_status(self, text: str) -> None:
        """The line above the list."""
        self.statusLabel.setText(text)
        self.statusLabel.setVisible(bool(text))

    def show_rows(self, rows: list[Row]) -> None:
        """Bring the list up to `rows`: rows keep their place, new ones are appended."""
        widget = self.detectResults
        for index, row in enumerate(rows):
            item = widget.item(index)
            if item is None:
                item = QListWidgetItem()
                widget.addItem(item)
            if item.text() != row.text:
                item.setText(row.text)
            flags = Qt.ItemFlag.ItemIsEnabled
            if row.usable:
                flags |= Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags)
            font = item.font()
            font.setBold(row.state == "verified")
            item.setFont(font)
        while widget.count() > len(rows):
            widget.takeItem(widget.count() - 1)
        self.rows = list(rows)
        self._selection_changed(widget.currentRow())

    def select(self, key: tuple) -> None:
        """Select the row with this key (the best candidate, when detection ends)."""
        for index, row in enumerate(self.rows):
            if row.key == key:
                self.detectResults.setCurrentRow(index)
                return

    def current(self) -> Row | None:
        """The selected row if it holds a candidate."""
        index = self.detectResults.currentRow()
        if 0 <= index < len(self.rows) and self.rows[index].usable:
            return self.rows[index]
        return None

    def show_origin(self, text: str) -> None:
        """Say where the setting in the form came from."""
        self.originLabel.setText(text)
        self.originLabel.setVisible(bool(text))

    def set_read_only(self, read_only: bool) -> None:
        """While a test runs: no candidate fills the form."""
        self.read_only = read_only
        self.useButton.setEnabled(not read_only and self.current() is not None)
        self.ispdbCheck.setEnabled(not read_only)
        self.allowHttpCheck.setEnabled(not read_only and not self._looking_up)

    # -- choosing ------------------------------------------------------------------------
    def _selection_changed(self, _index: int) -> None:
        row = self.current()
        self.useButton.setEnabled(row is not None and not self.read_only)
        foreign = row is not None and row.candidate is not None and row.candidate.foreign
        if foreign:
            assert row is not None and row.candidate is not None
            self.foreignWarning.setText("⚠ " + self.view.foreign_text(row.candidate))
            self.useButton.setText(self.tr("Use this outside server"))
        else:
            self.useButton.setText(self.tr("Use this setting"))
        self.foreignWarning.setVisible(foreign)

    def _double_clicked(self, item: QListWidgetItem) -> None:
        self.detectResults.setCurrentItem(item)
        row = self.current()
        if row is None or row.candidate is None:
            return
        if row.candidate.foreign:  # the warning is shown; only the button goes on from here
            self.useButton.setFocus()
            return
        if self.useButton.isEnabled():
            self.useRequested.emit(row)

    def _use_clicked(self) -> None:
        row = self.current()
        if row is not None:
            self.useRequested.emit(row)
