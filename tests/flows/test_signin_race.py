"""Twelve sign-ins with wrong passwords at one instant: exactly the five free ones reach the password check."""

import threading

RACERS = 12


def test_racing_guesses_cannot_slip_through_an_open_gate(app, make_staff, make_station, now):
    app.config["NOW_OVERRIDE"] = lambda: now
    make_staff(station=make_station(), username="station1")
    barrier, statuses = threading.Barrier(RACERS), []

    def guess(n):
        client = app.test_client()
        barrier.wait(timeout=60)
        body = {"username": "station1", "password": f"guess-{n}"}
        statuses.append(client.post("/api/v1/staff/login", json=body).status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [401] * 5 + [429] * (RACERS - 5)
