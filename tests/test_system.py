"""frame_system reference counting [SYS-1]..[SYS-5]: unit tests of phala_spec.chain.system."""

from __future__ import annotations

import attrs
import pytest

from phala_spec.chain.state import AccountData, AccountInfo, ChainState
from phala_spec.chain.system import (
    account_exists,
    account_info,
    can_dec_provider,
    dec_consumers,
    dec_providers,
    inc_consumers,
    inc_providers,
    put_account_info,
)
from phala_spec.primitives.errors import DispatchError
from phala_spec.runtime.genesis import genesis

WHO = b"\x11" * 32


def with_record(info: AccountInfo | None, *, max_consumers: int = 4) -> ChainState:
    state = genesis("minimal", {"balances": [], "config": {"max_consumers": max_consumers}})
    if info is None:
        return state
    accounts = state.system.accounts.set(WHO, info)
    return attrs.evolve(state, system=attrs.evolve(state.system, accounts=accounts))


def test_absent_account_reads_as_default_record() -> None:
    state = with_record(None)
    assert not account_exists(state, WHO)
    assert account_info(state, WHO) == AccountInfo()


@pytest.mark.parametrize(
    ("consumers", "providers", "expected"),
    [(0, 0, True), (0, 1, True), (1, 1, False), (1, 2, True), (3, 1, False)],
)
def test_can_dec_provider(consumers: int, providers: int, expected: bool) -> None:
    state = with_record(AccountInfo(consumers=consumers, providers=providers))
    assert can_dec_provider(state, WHO) is expected


def test_first_provider_creates_the_account() -> None:
    state, events = inc_providers(with_record(None), WHO)
    assert account_info(state, WHO).providers == 1
    assert [(e.name, dict(e.fields)) for e in events] == [("System.NewAccount", {"account": WHO})]
    state, events = inc_providers(state, WHO)
    assert account_info(state, WHO).providers == 2
    assert events == ()


def test_last_provider_reaps_an_account_without_consumers() -> None:
    state = with_record(AccountInfo(providers=1, data=AccountData(free=50)))
    state, events = dec_providers(state, WHO)
    assert not account_exists(state, WHO)
    assert [e.name for e in events] == ["System.KilledAccount"]


def test_last_provider_cannot_go_while_consumers_remain() -> None:
    state = with_record(AccountInfo(providers=1, consumers=1))
    with pytest.raises(DispatchError) as error:
        dec_providers(state, WHO)
    assert error.value.code == "ConsumerRemaining"


def test_extra_provider_is_decremented_without_event() -> None:
    state = with_record(AccountInfo(providers=2, consumers=1))
    state, events = dec_providers(state, WHO)
    assert account_info(state, WHO).providers == 1
    assert account_info(state, WHO).consumers == 1
    assert events == ()


def test_zero_providers_count_as_one() -> None:
    # A record with 0 providers but a sufficient: decrementing treats providers as 1, and the
    # sufficient keeps the account alive.
    state = with_record(AccountInfo(providers=0, sufficients=1))
    state, events = dec_providers(state, WHO)
    assert account_exists(state, WHO)
    assert account_info(state, WHO).providers == 0
    assert events == ()


def test_dec_providers_on_absent_account_is_a_noop() -> None:
    state = with_record(None)
    assert dec_providers(state, WHO) == (state, ())


def test_consumers_need_a_provider() -> None:
    state = with_record(None)
    for limit in (True, False):
        with pytest.raises(DispatchError) as error:
            inc_consumers(state, WHO, limit=limit)
        assert error.value.code == "NoProviders"


def test_consumers_are_limited_unless_asked_otherwise() -> None:
    state = with_record(AccountInfo(providers=1, consumers=2), max_consumers=2)
    with pytest.raises(DispatchError) as error:
        inc_consumers(state, WHO)
    assert error.value.code == "TooManyConsumers"
    state = inc_consumers(state, WHO, limit=False)
    assert account_info(state, WHO).consumers == 3


def test_dec_consumers_saturates_and_ignores_absent_accounts() -> None:
    state = with_record(AccountInfo(providers=1, consumers=0))
    assert account_info(dec_consumers(state, WHO), WHO).consumers == 0
    state = with_record(AccountInfo(providers=1, consumers=2))
    assert account_info(dec_consumers(state, WHO), WHO).consumers == 1
    empty = with_record(None)
    assert not account_exists(dec_consumers(empty, WHO), WHO)


def test_records_without_references_are_not_stored() -> None:
    state = with_record(AccountInfo(providers=1))
    state = put_account_info(state, WHO, AccountInfo(consumers=3, data=AccountData(free=5)))
    assert not account_exists(state, WHO)
    state = put_account_info(state, WHO, AccountInfo(sufficients=1))
    assert account_exists(state, WHO)
