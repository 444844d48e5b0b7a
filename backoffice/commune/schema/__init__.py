"""Pydantic v1 models of the commune data files, one module per concern."""

from .base import Model, Season, WeeklyHours
from .fields import MonthDay, TimeRange
from .identity import Address, CalendarFile, Closure, CommuneInfo, EmergencyNumber, Service, ServicesFile
from .parking import DisabledParking, Fee, Impound, ParkingFile, ParkingZone, PriceStep, ReservedSpaces, ResidentCard
from .procedures import Procedure, ProceduresFile
from .roadworks import Roadwork, RoadworksFile
from .sorting import Bin, SortingFile, SortingItem
from .streets import Street, StreetsFile
from .transport import DayService, Fare, Line, LineService, Network, Stop, TransportFile
from .waste import (BulkyRound, BulkyWaste, CollectionRule, HolidayRule, RecyclingCentre, RecyclingSeason,
                    Sector, WasteFile, WasteType)

__all__ = [
    "Address", "Bin", "BulkyRound", "BulkyWaste", "CalendarFile", "Closure", "CollectionRule", "CommuneInfo",
    "DayService", "DisabledParking", "EmergencyNumber", "Fare", "Fee", "HolidayRule", "Impound", "Line",
    "LineService", "Model", "MonthDay", "Network", "ParkingFile", "ParkingZone", "PriceStep", "Procedure",
    "ProceduresFile", "RecyclingCentre", "RecyclingSeason", "ReservedSpaces", "ResidentCard", "Roadwork",
    "RoadworksFile", "Season", "Sector", "Service", "ServicesFile", "SortingFile", "SortingItem", "Stop",
    "Street", "StreetsFile", "TimeRange", "TransportFile", "WasteFile", "WasteType", "WeeklyHours",
]
