series,method,origin,freq,horizon,points
PLT,snaive,2024-12-01,month,3,3
PLT,snaive,2025-06-01,month,3,3
PLT,snaive,all,month,3,6
